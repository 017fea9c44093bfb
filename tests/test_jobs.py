"""The scheduler: one declared job list, jobs runnable by hand, one leader per deployment."""

import pytest

from cloudplatform.jobs import JOBS, build_scheduler
from cloudplatform.jobs.leader import leader_lock


def test_scheduler_holds_every_declared_job(app):
    scheduler = build_scheduler(app)
    assert {job.id for job in scheduler.get_jobs()} == {job.id for job in JOBS}


def test_cli_lists_jobs(app):
    result = app.test_cli_runner().invoke(args=["jobs", "list"])
    assert "prune_idempotency_keys" in result.output


def test_cli_runs_one_job(app):
    result = app.test_cli_runner().invoke(args=["jobs", "run-once", "prune_idempotency_keys"])
    assert result.exit_code == 0
    assert "prune_idempotency_keys: 0" in result.output


def test_cli_refuses_unknown_job(app):
    result = app.test_cli_runner().invoke(args=["jobs", "run-once", "nope"])
    assert result.exit_code != 0


@pytest.fixture
def locks(app):
    first, second = leader_lock(app), leader_lock(app)
    yield first, second
    first.release()
    second.release()


def test_only_one_scheduler_leads(locks):
    first, second = locks
    assert first.try_acquire()
    assert not second.try_acquire()


def test_standby_takes_over_when_leader_stops(locks):
    first, second = locks
    assert first.try_acquire()
    first.release()
    assert second.try_acquire()
    assert second.still_held()


@pytest.mark.postgres
def test_leader_lock_is_lost_with_its_connection(locks, db):
    first, second = locks
    assert first.try_acquire()
    pid = first._conn.execute(db.text("SELECT pg_backend_pid()")).scalar()
    with db.engine.connect() as admin:
        admin.execute(db.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    assert not first.still_held()
    assert second.try_acquire()
