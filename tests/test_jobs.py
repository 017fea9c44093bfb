"""The scheduler: one declared job list, jobs runnable by hand, one leader per deployment."""

from datetime import datetime, timedelta

import pytest
import time_machine

from cloudplatform.clock import LOCAL_TZ, now
from cloudplatform.jobs import CATCH_UP, JOBS, build_scheduler, run_job
from cloudplatform.jobs.leader import leader_lock

EXPIRY = next(job for job in JOBS if job.id == "expire_points")  # cron, 03:30 Beijing time
DUE = datetime(2026, 12, 7, 3, 30, tzinfo=LOCAL_TZ)


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


def next_run(scheduler, job_id):
    """When a scheduler not yet started runs the job first; None: at its trigger's next time."""
    return getattr(scheduler.get_job(job_id), "next_run_time", None)


def test_a_cron_job_whose_due_run_never_finished_runs_when_the_next_leader_starts(app, db):
    with time_machine.travel(DUE - timedelta(days=1, seconds=-30), tick=False):
        run_job(app, EXPIRY)  # yesterday's run finished
    with time_machine.travel(DUE + timedelta(minutes=5), tick=False):  # today's leader died mid-run
        assert next_run(build_scheduler(app), EXPIRY.id) == now()
        assert (
            next_run(build_scheduler(app), "aid_deadlines") is None
        )  # due at 08:00, not within the last hour
        run_job(app, EXPIRY)
    with time_machine.travel(DUE + timedelta(minutes=6), tick=False):
        assert next_run(build_scheduler(app), EXPIRY.id) is None  # done today: tomorrow at 03:30


def test_a_cron_job_due_longer_ago_than_the_catch_up_waits_for_its_next_time(app, db):
    with time_machine.travel(DUE + CATCH_UP + timedelta(minutes=1), tick=False):
        assert next_run(build_scheduler(app), EXPIRY.id) is None


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
