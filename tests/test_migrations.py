"""The migrations produce exactly the models' schema, and readiness notices when they do not."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade, upgrade


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_upgrade_again(db):
    downgrade(revision="base")
    try:
        assert set(db.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        upgrade()
    assert {"staff_account", "audit_entry", "idempotency_key"} <= set(db.inspect(db.engine).get_table_names())


def test_readyz_reports_pending_migrations(client, db):
    downgrade(revision="base")
    try:
        response = client.get("/readyz")
    finally:
        upgrade()
    assert response.status_code == 503
    assert response.json["migrations"] == "pending"


def test_readyz_is_ok_on_a_current_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "current"}


def test_healthz_answers_without_the_database(client):
    assert client.get("/healthz").json == {"status": "ok"}
