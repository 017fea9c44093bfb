"""Liveness and readiness probes, and the offline assets of the interactive API docs."""

import redis
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from cloudplatform.extensions import db, limiter, redis_client

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is alive; does no other work (also the benchmark's ceiling)."""
    return {"status": "ok"}


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Ready for traffic (200) while the database answers and its schema is at the migrations' head;
    503 otherwise. Redis, where configured, is reported (``"redis": "ok"`` or ``"unreachable"``, the
    status then ``degraded``) but keeps no instance out: every instance shares the one Redis, and
    without it the app still serves all but the cabinets' requests (503 until it is back), its rate
    limits counting in each process meanwhile."""
    try:
        with db.engine.connect() as conn:
            has_versions = sa.inspect(conn).has_table("alembic_version")
            current = (
                set(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))
                if has_versions
                else set()
            )
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("readiness check: database unreachable")
        return jsonify(status="unavailable", database="unreachable"), 503
    expected = set(migration_heads())
    if current != expected:
        return jsonify(status="unavailable", database="ok", migrations="pending"), 503
    ready = {"status": "ok", "database": "ok", "migrations": "current"}
    url = current_app.config["REDIS_URL"]
    if url:
        ready["redis"] = "ok" if redis_answers(url) else "unreachable"
        if ready["redis"] != "ok":
            ready["status"] = "degraded"
    return ready


def redis_answers(url: str) -> bool:
    try:
        return bool(redis_client(url).ping())
    except redis.RedisError as error:
        current_app.logger.warning("readiness check: Redis %s", type(error).__name__)
        return False


def migration_heads() -> tuple[str, ...]:
    heads = current_app.extensions.get("cloudplatform.migration_heads")
    if heads is None:
        script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
        heads = current_app.extensions["cloudplatform.migration_heads"] = tuple(script.get_heads())
    return heads


def register_docs_assets(app: Flask) -> None:
    """Serve Swagger UI from the installed package: the docs page needs no CDN."""

    @app.get("/api/v1/docs/assets/<path:filename>")
    @limiter.exempt
    def docs_assets(filename):
        return send_from_directory(swagger_ui_path, filename)
