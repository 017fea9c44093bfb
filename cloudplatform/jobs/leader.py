"""The scheduler's leader lock: only one process per deployment runs jobs."""

import contextlib
import fcntl
import logging
import os
import signal
import sys
import threading
import time
from typing import IO

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

LOCK_KEY = 0x62_6A_73_63  # "bjsc": one advisory lock id for the scheduler


class LeaderLock:
    """A PostgreSQL session advisory lock on a dedicated connection, or a file lock for SQLite.

    The connection is not pooled: a pooled connection returned to SQLAlchemy would keep the
    session lock while someone else uses it.
    """

    def __init__(self, database_url: str, lock_path: str):
        self.database_url = database_url
        self.lock_path = lock_path
        self._conn: sa.Connection | None = None
        self._file: IO[str] | None = None

    @property
    def on_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    def try_acquire(self) -> bool:
        if self.on_postgres:
            engine = sa.create_engine(self.database_url, poolclass=NullPool)
            conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if conn.execute(sa.select(sa.func.pg_try_advisory_lock(LOCK_KEY))).scalar():
                self._conn = conn
                return True
            conn.close()
            return False
        os.makedirs(os.path.dirname(self.lock_path), exist_ok=True)
        handle = open(self.lock_path, "w")  # noqa: SIM115  (held open as long as we lead)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def still_held(self) -> bool:
        if self._file is not None:
            return True
        if self._conn is None:
            return False
        try:
            self._conn.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.DBAPIError:
            return False

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sa.exc.SQLAlchemyError):  # a lost connection took the lock with it
                self._conn.execute(sa.select(sa.func.pg_advisory_unlock(LOCK_KEY)))
                self._conn.close()
            self._conn = None
        if self._file is not None:
            self._file.close()
            self._file = None


def leader_lock(app: Flask) -> LeaderLock:
    """The lock of the app's database: on SQLite a file beside the database (one leader per database)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    database = sa.engine.make_url(url).database if url.startswith("sqlite") else None
    if database and database != ":memory:":
        return LeaderLock(url, database + ".scheduler-lock")
    return LeaderLock(url, os.path.join(app.instance_path, "scheduler.lock"))


def stop_on_sigterm() -> None:
    """SIGTERM (``systemctl stop``, a release's restart) leaves as Ctrl-C does, through
    :func:`run_as_leader`'s ``finally``: a job in flight finishes and commits before the lock goes.
    Killed mid-job instead (SIGKILL, a lost host), a job's uncommitted work is rolled back whole and the
    next leader's run gives what one clean run gives: every job is one transaction, or commits batches
    that a rerun does not repeat (``expire_points``), and ``deliver_outbox`` commits each message before
    and after its send, so no message goes twice: the one in flight is settled by WeChat's answer to
    its resend (see :func:`cloudplatform.notify.operations.deliver_outbox`). Shown by
    tests/test_scheduler_faults.py."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))


def run_as_leader(app: Flask) -> None:
    """Wait until this process holds the lock, then run jobs until the lock is lost or SIGTERM."""
    from cloudplatform.jobs import build_scheduler

    stop_on_sigterm()
    lock = leader_lock(app)
    retry = app.config["SCHEDULER_LEADER_RETRY_SECONDS"]
    while not lock.try_acquire():
        log.info("another scheduler leads; standing by")
        time.sleep(retry)
    log.info("scheduler leader lock acquired")
    scheduler = build_scheduler(app)
    scheduler.start()
    try:
        while lock.still_held():
            time.sleep(retry)
        log.error("scheduler leader lock lost; stopping so that a standby takes over")
        raise SystemExit(1)
    finally:
        log.info("scheduler stopping: waiting for running jobs")
        scheduler.shutdown(wait=True)
        lock.release()
        log.info("scheduler stopped; leader lock released")
