"""A process remembers who a token belongs to (PostgreSQL and Redis): a request it remembers asks the
database nothing about the caller, and a revocation or a change to the user or their staff account in
another process counts on the very next request. Two apps on one database and one Redis stand for two
processes: each remembers its own callers."""

from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
import time_machine

from cloudplatform import create_app
from cloudplatform.clock import now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.callers import REMEMBER_SECONDS
from cloudplatform.identity.models import GRID_WORKER, User
from tests.helpers import IsolatedClient, app_settings, count_queries
from tests.world import log_in

pytestmark = pytest.mark.postgres

RESIDENCY_QUEUE = "/api/v1/staff/residency-requests"


@pytest.fixture
def other_process(database_url, redis_url, standin):
    """A second app on the same database and Redis: another worker, with its own remembered callers."""
    app = create_app(app_settings(database_url, redis_url, standin))
    app.test_client_class = IsolatedClient
    yield app.test_client()
    with app.app_context():
        _db.engine.dispose()


def remembered(client, headers) -> None:
    """Two requests: the first learns whose the token is, the second the user's version with it."""
    for _ in range(2):
        assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_a_remembered_caller_costs_no_statement(app, client, world):
    headers = log_in(client, f"staff-{GRID_WORKER}")
    remembered(client, headers)
    with count_queries(app) as statements:
        me = client.get("/api/v1/me", headers=headers).json
    assert me["staff"]["role"] == GRID_WORKER
    assert len(statements) == 1  # the memberships only


def test_logout_in_one_process_counts_at_once_in_another(client, other_process):
    headers = log_in(client, "alice")
    remembered(other_process, headers)
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert other_process.get("/api/v1/me", headers=headers).status_code == 401


def test_a_deactivated_staff_account_counts_at_once_in_another_process(client, other_process, world, db):
    headers = log_in(client, f"staff-{GRID_WORKER}")
    remembered(other_process, headers)
    assert other_process.get(RESIDENCY_QUEUE, headers=headers).status_code == 200
    world.staff[GRID_WORKER].is_active = False
    db.session.commit()
    refused = other_process.get(RESIDENCY_QUEUE, headers=headers)
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "STAFF_ONLY")


def test_a_deleted_user_and_a_new_nickname_count_at_once(client, other_process, db):
    headers = log_in(client, "alice")
    remembered(other_process, headers)
    user = db.session.scalars(sa.select(User)).one()
    user.nickname = "小艾"
    db.session.commit()
    assert other_process.get("/api/v1/me", headers=headers).json["nickname"] == "小艾"
    user.deleted_at = now()
    db.session.commit()
    assert other_process.get("/api/v1/me", headers=headers).status_code == 401


def test_versions_lost_by_redis_never_match_what_a_process_remembers(client, db, redis_url):
    headers = log_in(client, "alice")
    restart_redis = redis.Redis.from_url(redis_url).flushdb  # every version is gone
    restart_redis()
    remembered(client, headers)  # with the version read in its place
    with db.engine.begin() as conn:  # revoked behind the platform's back, so no new version is set
        conn.execute(sa.text("UPDATE login_token SET revoked_at = now()"))
    restart_redis()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_change_made_behind_the_platforms_back_counts_within_a_minute(client, db):
    headers = log_in(client, "alice")
    remembered(client, headers)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE login_token SET revoked_at = now()"))
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # still remembered
    with time_machine.travel(now() + timedelta(seconds=REMEMBER_SECONDS + 1), tick=False):
        assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_without_redis_every_request_asks_the_database(app, client, db):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    headers = log_in(client, "alice")
    remembered(client, headers)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE login_token SET revoked_at = now()"))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


@pytest.mark.parametrize("statement", [sa.update(User).values(nickname="x"), sa.delete(User)])
def test_a_bulk_change_that_does_not_say_whose_callers_it_changes_is_refused(db, statement):
    with pytest.raises(RuntimeError, match=r"callers\.changed"):
        db.session.execute(statement)
