"""Fixtures: an app on a freshly migrated database per test (SQLite, or PostgreSQL with --backend)."""

import os
import shutil

import pytest
import redis
import requests
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.routing import Rule

from cloudplatform import create_app
from cloudplatform.config import load_config
from cloudplatform.extensions import db as _db
from cloudplatform.notify.templates import standin_declarations
from cloudplatform.wechat import close_gateway
from cloudplatform.wechat.standin import create_standin_app, serve_standin, stop_standin
from tests.helpers import IsolatedClient, app_settings
from tests.standin import STANDIN_APPID, STANDIN_SECRET

pytest_plugins = [
    "tests.world",
    "tests.service.bookings.fixtures",
    "tests.wechat.fixtures",
    "tests.browser.fixtures",
]

CHROMIUM = "/usr/bin/chromium"


def reuse_url_builders() -> None:
    """Every test makes an app, and werkzeug compiles two Python functions for each of its ~340 URL
    rules: 60% of making an app. A rule's builders depend only on its text, its parsed parts and its
    defaults, so apps made in one test process share them."""
    compile_builder = Rule._compile_builder
    builders: dict = {}

    def _compile_builder(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), repr(self.defaults), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = _compile_builder


reuse_url_builders()


def pytest_addoption(parser):
    parser.addoption(
        "--backend",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="sqlite (default) or postgres: TEST_DATABASE_URL and TEST_REDIS_URL",
    )


def pytest_configure(config):
    if config.getoption("--backend") == "postgres" and not os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError("--backend postgres needs TEST_DATABASE_URL")


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run in the PostgreSQL pass, the README's walkthrough (always on the
    embedded default) in the SQLite pass; browser tests need Debian's chromium."""
    on_postgres = config.getoption("--backend") == "postgres"
    has_browser = os.path.exists(CHROMIUM)
    keep, drop = [], []
    for item in items:
        if (
            (item.get_closest_marker("postgres") and not on_postgres)
            or (item.get_closest_marker("walkthrough") and on_postgres)
            or (item.get_closest_marker("browser") and not has_browser)
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    if not has_browser and any(i.get_closest_marker("browser") for i in drop):
        print(f"\nbrowser tests not run: {CHROMIUM} not found (apt-get install chromium)")


@pytest.fixture(scope="session")
def backend(pytestconfig):
    return pytestconfig.getoption("--backend")


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def worker_index() -> int | None:
    """Which pytest-xdist worker runs this session (gw0 → 0), None without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return int(worker.removeprefix("gw")) if worker else None


def postgres_url() -> str:
    """TEST_DATABASE_URL, or under xdist a database of this worker's own beside it (made if missing)."""
    url = sa.engine.make_url(os.environ["TEST_DATABASE_URL"])
    index = worker_index()
    if index is None:
        return url.render_as_string(hide_password=False)
    own = url.set(database=f"{url.database}_gw{index}")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        found = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not found:
            conn.execute(sa.text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def worker_redis_url(url: str) -> str:
    """TEST_REDIS_URL, or under xdist the numbered database below it for each further worker."""
    index = worker_index()
    if not index:
        return url
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) - index}"


@pytest.fixture(scope="session")
def migrated_database(backend, tmp_path_factory):
    """Run every migration once per session (per xdist worker); tests start from a copy (SQLite) or a
    truncation (PostgreSQL)."""
    if backend == "postgres":
        url = postgres_url()
        reset_postgres(url)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("template") / "template.db")
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return url


def empty_postgres(url: str) -> None:
    """Delete what a test left, children first, and start the sequences again at 1: on a handful of rows
    a tenth of TRUNCATE's time (which makes new files for every table and index). A table a test filled
    by the thousand (over 1 MB: a plan test's city) is truncated instead."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        big = set(
            conn.scalars(
                sa.text(
                    "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                    " AND relkind = 'r' AND pg_relation_size(oid) > 1048576"
                )
            )
        )
        statements = [  # the models' own table names
            f'TRUNCATE "{t.name}" CASCADE' if t.name in big else f'DELETE FROM "{t.name}"'  # noqa: S608
            for t in reversed(_db.metadata.sorted_tables)
        ]
        statements.append(
            "SELECT setval(oid, 1, false) FROM pg_class"
            " WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"
        )
        conn.exec_driver_sql(";".join(statements))
    engine.dispose()


@pytest.fixture
def database_url(backend, migrated_database, tmp_path):
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(migrated_database.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    yield migrated_database
    empty_postgres(migrated_database)


@pytest.fixture
def redis_url(backend):
    """Redis for the PostgreSQL pass (flushed per test); the embedded default has none."""
    url = os.environ.get("TEST_REDIS_URL") if backend == "postgres" else None
    if url:
        url = worker_redis_url(url)
        redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture(scope="session")
def standin_server(tmp_path_factory):
    """The local WeChat stand-in on a loopback port, for the whole session, knowing the templates and
    pages the app declares (with the template ids of the app's config), as WeChat would."""
    template_ids = load_config(str(tmp_path_factory.mktemp("config")))["WECHAT_TEMPLATES"]
    standin = create_standin_app(STANDIN_APPID, STANDIN_SECRET, **standin_declarations(template_ids))
    server, base_url = serve_standin(standin)
    yield base_url
    stop_standin(server)


@pytest.fixture
def standin(standin_server):
    """The stand-in's base URL, its state (used codes, scripted failures, messages) reset per test."""
    requests.post(standin_server + "_standin/reset", timeout=5).raise_for_status()
    return standin_server


@pytest.fixture
def app(database_url, redis_url, standin, tmp_path):
    app = create_app(app_settings(database_url, redis_url, standin))
    app.instance_path = str(tmp_path / "instance")
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        close_gateway(app)
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()
