"""The scheduler killed (SIGKILL) in the middle of a job, on PostgreSQL: the next leader's run gives what
one clean run gives. The outbox: messages sent before the kill stay sent, the one in flight (delivered,
its answer not yet back) is not sent again, the rest go, each consent spent once. The points expiry
(the job writing the most): a batch killed after it moved balances is rolled back whole, and the rerun
expires each account once."""

import os
import signal
import sys
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from cloudplatform.clock import now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.volunteer.models import EXPIRE, PointAccount, PointEntry
from cloudplatform.volunteer.points.operations import adjust_points
from tests.notify.outbox import (
    delivered,
    failing,
    our_consents_left,
    outbox,
    queue,
    subscribe,
    wechat_consents_left,
)
from tests.rung import Process, spawn, start_scheduler, stop
from tests.standin import STANDIN_APPID, STANDIN_SECRET
from tests.volunteer.fixtures import volunteer
from tests.volunteer.points_fixtures import spend
from tests.world import wechat_user

pytestmark = pytest.mark.postgres

WAIT = 60  # seconds at most for a process to reach the point a test waits for


@pytest.fixture
def env(database_url, redis_url, standin, tmp_path):
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "CLOUDPLATFORM_ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url or "",
        "WECHAT_API_BASE": standin,
        "WECHAT_APPID": STANDIN_APPID,
        "WECHAT_SECRET": STANDIN_SECRET,
        "WECHAT_TIMEOUT": "2",  # the in-flight send waits this long for its lost answer; the claim 10×
        "SCHEDULER_LEADER_RETRY_SECONDS": "1",
        "RUNG_JOB_SECONDS": "1",  # tests.rung's scheduler: every job every second
        "RUNG_JOB_LOG": str(tmp_path / "job-runs.jsonl"),
        "LOG_LEVEL": "INFO",
    }


def wait_for(condition, process: Process, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if process.popen.poll() is not None:
            raise AssertionError(f"{process.name} exited before {what}\n{process.tail()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} within {WAIT} s\n{process.tail()}")
        time.sleep(0.02)


def kill(process: Process) -> None:
    os.killpg(process.popen.pid, signal.SIGKILL)
    process.popen.wait(10)


def test_the_outbox_killed_mid_send_is_finished_by_the_next_leader_once(app, db, standin, env, tmp_path):
    people = [wechat_user(f"user{i}") for i in range(5)]
    for person in people:
        subscribe(standin, person)
        queue(person, person.nickname)
    failing(standin, "timeout_after", after=2, stall=30)  # the third send is delivered, its answer held

    first = start_scheduler("jobs-killed", env, tmp_path)
    try:
        wait_for(lambda: sum(delivered(standin).values()) == 3, first, "three messages delivered")
        kill(first)  # while user2's answer is on its way
    finally:
        stop(first)

    assert outbox() == {
        "user0": ("sent", 0),
        "user1": ("sent", 0),
        "user2": ("sending", 0),  # claimed and committed before it went: its consent spent
        "user3": ("pending", 0),
        "user4": ("pending", 0),
    }

    second = start_scheduler("jobs-next", env, tmp_path)
    try:
        wait_for(lambda: {s for s, _ in outbox().values()} == {"sent"}, second, "every message sent")
    finally:
        stop(second)

    assert "scheduler leader lock acquired" in second.log.read_text()
    assert delivered(standin) == {(person.openid, person.nickname): 1 for person in people}
    assert set(wechat_consents_left(standin).values()) == {0}
    assert set(our_consents_left().values()) == {0}


def expiry_state() -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Each account's balance, and the expire rows (user, amount)."""
    _db.session.commit()
    balances = dict(_db.session.execute(sa.select(PointAccount.user_id, PointAccount.balance)).tuples().all())
    expired = _db.session.execute(
        sa.select(PointEntry.user_id, PointEntry.amount)
        .where(PointEntry.kind == EXPIRE)
        .order_by(PointEntry.id)
    )
    return balances, list(expired.tuples())


def run_once(job_id: str, env: dict, tmp_path) -> Process:
    argv = [sys.executable, "-m", "flask", "--app", "cloudplatform", "jobs", "run-once", job_id]
    return spawn(f"run-once-{job_id}", argv, env, tmp_path)


def test_the_points_expiry_killed_mid_batch_is_rolled_back_whole_and_rerun_once(app, world, env, tmp_path):
    admin = world.staff[COMMUNITY_ADMIN]
    who = [volunteer(world.home, name) for name in ("zhangsan", "lisi", "wangwu")]
    with time_machine.travel(now() - timedelta(days=800), tick=False):
        for person in who:
            adjust_points(admin, person.user_id, 100, "两年多以前")
        _db.session.commit()
    for person in who:
        adjust_points(admin, person.user_id, 20, "最近")
    spend(who[1].user_id, 30, 1, world.home.id)  # uses up 30 of lisi's old 100
    _db.session.commit()
    before = expiry_state()

    engine = sa.create_engine(env["DATABASE_URL"])
    with engine.connect() as blocker:
        # the expiry's INSERT of its expire rows waits here, after its UPDATE of the balances ran
        blocker.execute(sa.text("LOCK TABLE point_entry IN SHARE MODE"))
        job = run_once("expire_points", env, tmp_path)
        try:
            wait_for(
                lambda: backend_of(engine, "INSERT INTO point_entry") is not None, job, "blocked mid-batch"
            )
            pid = backend_of(engine, "INSERT INTO point_entry")
            assert holds_lock(engine, pid, "point_account", "RowExclusiveLock")  # balances already moved
            kill(job)
        finally:
            stop(job)
        blocker.rollback()
    wait_until_gone(engine, pid)
    engine.dispose()

    assert expiry_state() == before  # nothing of the killed batch is left

    assert run_job(app, next(j for j in JOBS if j.id == "expire_points")) == 3  # the next leader's run
    lisi, others = who[1].user_id, [who[0].user_id, who[2].user_id]
    balances, expired = expiry_state()
    assert balances == {person.user_id: 20 for person in who}
    assert sorted(expired) == sorted([(others[0], -100), (others[1], -100), (lisi, -70)])
    assert run_job(app, next(j for j in JOBS if j.id == "expire_points")) == 0


def backend_of(engine, query_start: str) -> int | None:
    """The PostgreSQL backend waiting on a lock in a statement beginning ``query_start``."""
    with engine.connect() as conn:
        return conn.scalar(
            sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE :start"
            ),
            {"start": query_start + "%"},
        )


def holds_lock(engine, pid: int, table: str, mode: str) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE pid = :pid AND relation = CAST(:table AS regclass)"
                    " AND mode = :mode AND granted"
                ),
                {"pid": pid, "table": table, "mode": mode},
            )
        )


def wait_until_gone(engine, pid: int) -> None:
    """The killed client's backend ends (rolling its transaction back) once it finds the client gone."""
    deadline = time.monotonic() + WAIT
    with engine.connect() as conn:
        while conn.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}):
            assert time.monotonic() < deadline, f"backend {pid} still there after {WAIT} s"
            time.sleep(0.05)
            conn.rollback()
