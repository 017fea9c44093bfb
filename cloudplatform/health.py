"""Liveness and readiness probes, and the offline assets of the interactive API docs."""

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from cloudplatform.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is alive; does no other work (also the benchmark's ceiling)."""
    return {"status": "ok"}


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """The database answers and its schema is at the migrations' head."""
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
    return {"status": "ok", "database": "ok", "migrations": "current"}


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
