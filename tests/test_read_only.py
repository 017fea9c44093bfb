"""Views marked ``read_only`` run without a transaction (no BEGIN and COMMIT round trips); a write in
one fails and changes nothing; the requests after it are transactional again."""

import sqlalchemy as sa
from flask import jsonify

from cloudplatform.audit.models import AuditEntry
from cloudplatform.audit.operations import record
from cloudplatform.errors import Conflict
from cloudplatform.extensions import db as database
from cloudplatform.transaction import read_only


def audit_count(db) -> int:
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def add_routes(app):
    @app.get("/api/v1/_test/read-only-write")
    @read_only
    def write_while_reading():
        record(None, "test.write")
        database.session.flush()
        return jsonify(ok=True)

    @app.post("/api/v1/_test/write-then-refuse")
    def write_then_refuse():
        record(None, "test.write")
        database.session.flush()
        raise Conflict()


def test_a_write_in_a_read_only_view_fails_and_changes_nothing(app, client, db):
    add_routes(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers
    before = audit_count(db)

    response = client.get("/api/v1/_test/read-only-write")

    assert response.status_code == 500
    assert response.json["error"]["code"] == "INTERNAL_ERROR"
    assert audit_count(db) == before


def test_after_a_read_only_request_a_refused_write_is_still_rolled_back_whole(app, client, db):
    add_routes(app)
    before = audit_count(db)
    assert client.get("/api/v1/communities").status_code == 200  # read-only: an autocommit connection

    assert client.post("/api/v1/_test/write-then-refuse").status_code == 409

    assert audit_count(db) == before


def test_only_get_views_are_read_only(app):
    """A view that answers POST, PUT, PATCH or DELETE writes: it must never be marked read-only."""
    read_only_endpoints = {
        name for name, view in app.view_functions.items() if getattr(view, "read_only", False)
    }
    assert {
        "identity.me",
        "notices.list_notices",
        "bookings.list_slots",
        "guides.list_guides",
    } <= read_only_endpoints
    for rule in app.url_map.iter_rules():
        if rule.endpoint in read_only_endpoints:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_a_read_only_request_has_nothing_to_commit(app, client, db):
    """Its statements ran in autocommit: its session is closed, not committed (no snapshot to expire)."""
    own, commits = database.session(), []

    def count(session):
        if session is not own:  # the test's own session commits around each request
            commits.append(session)

    sa.event.listen(sa.orm.Session, "after_commit", count)
    try:
        assert client.get("/api/v1/communities").status_code == 200
    finally:
        sa.event.remove(sa.orm.Session, "after_commit", count)
    assert commits == []
