"""宝鸡社区云平台: the application factory."""

import contextlib
import functools
import inspect
import os

import sqlalchemy as sa
from flask import Flask, request
from sqlalchemy.engine import make_url
from werkzeug.exceptions import UnsupportedMediaType

from cloudplatform import errors, headers, schemas, transaction  # noqa: F401  (schemas: Chinese validation messages)
from cloudplatform.config import load_config
from cloudplatform.extensions import api, csrf, db, limiter, migrate
from cloudplatform.idempotency import remember_response
from cloudplatform.logs import configure_logging
from cloudplatform.proxies import trust_proxies
from cloudplatform.routing import IdConverter, id_schema

MIGRATIONS_DIR = __path__[0] + "/migrations"
BODY_METHODS = {"POST", "PUT", "PATCH"}


class Platform(Flask):
    """Flask, asking once per function, not on every request, whether a view or hook is a coroutine (for
    some 16 hooks and the view, ``inspect`` unwrapping each: 7% of GET /me's Python calls)."""

    def ensure_sync(self, func):
        return self.async_to_sync(func) if _is_coroutine(func) else func


@functools.lru_cache(maxsize=1024)
def _is_coroutine(func) -> bool:
    return inspect.iscoroutinefunction(func)


def create_app(config: dict | None = None) -> Flask:
    app = Platform(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path, config))
    app.json.ensure_ascii = False
    make_database_dir(app.config["DATABASE_URL"])
    configure_logging(app)
    trust_proxies(app)

    app.url_map.converters["id"] = IdConverter
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, compare_type=True, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    api.init_app(app)
    api.register_converter(IdConverter, id_schema)
    errors.register_error_handlers(app)
    app.register_error_handler(sa.exc.DBAPIError, transaction.database_unavailable)
    headers.register(app)  # before the request hooks: it runs after them, on the answer they settle on
    register_request_hooks(app)

    from cloudplatform import backup, demo, devserver, health, jobs, models, notify  # noqa: F401  (models: every table)
    from cloudplatform.service.aid import keys as aid_keys
    from cloudplatform.service.workdays import cli as calendar_cli

    notify.init_app(app)

    app.register_blueprint(health.bp)
    health.register_docs_assets(app)
    jobs.register_cli(app)
    demo.register_cli(app)
    backup.register_cli(app)
    devserver.register_cli(app)
    calendar_cli.register_cli(app)
    aid_keys.register_cli(app)

    import admin
    import device_api
    import miniprogram_api
    from miniprogram_api import site as miniprogram_site

    miniprogram_api.register(api)
    app.register_blueprint(device_api.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(miniprogram_site.site_bp)
    return app


def make_database_dir(url: str) -> None:
    """An SQLite file's folder (``instance/`` for the embedded default) is made on first use."""
    database = make_url(url).database if url.startswith("sqlite") else None
    if database and database != ":memory:" and not database.startswith("file:"):
        os.makedirs(os.path.dirname(os.path.abspath(database)), exist_ok=True)


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def begin_request():
        transaction.begin_request(app.view_functions.get(request.endpoint or ""))

    @app.teardown_request
    def end_request(_error):
        transaction.end_request()

    @app.before_request
    def require_json_body():
        if (
            errors.wants_json()
            and request.method in BODY_METHODS
            and request.content_length
            and not request.is_json
            and request.mimetype != "multipart/form-data"
        ):
            raise UnsupportedMediaType()

    @app.after_request
    def finish_transaction(response):
        """Commit the request's work once when it succeeded; roll it all back otherwise. A request that
        never used the database (/healthz, the document) has nothing to end, a read-only one nothing to
        commit (``end_request`` closes its session). A COMMIT that fails (the connection lost at that
        moment) answers as a failed statement does (503) and frees its Idempotency-Key for the retry, as
        any 5xx does; should the work have committed after all, the key keeps the answer it committed
        with, and the retry gets that."""
        if response.status_code >= 400 and in_transaction():
            db.session.rollback()
        try:
            commit_with(response)
        except sa.exc.DBAPIError as error:
            response = app.make_response(transaction.database_unavailable(error))
            with contextlib.suppress(sa.exc.DBAPIError):  # still down: the key is free after 10 minutes
                commit_with(response)
        return response


def commit_with(response) -> None:
    """Commit the request's work together with its remembered answer (``remember_response``)."""
    remember_response(response)
    if in_transaction() and not transaction.in_read_only_request():
        db.session.commit()


def in_transaction() -> bool:
    """Whether this request's session exists and has begun a transaction (without making either)."""
    return db.session.registry.has() and db.session().in_transaction()
