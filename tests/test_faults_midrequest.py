"""The database connection killed in the middle of a request (``pg_terminate_backend`` from another
session, as a failover or an administrator does) at the worst moments of four operations: a resident's
booking, a volunteer's 爱心超市 redemption, a cabinet's pickup and a staff decision on a residency
request. Each answers the 503 envelope with nothing of it written, and the retry does it exactly once:
the same Idempotency-Key for the API's bookings and redemptions, a fresh signed request (a new nonce)
for the cabinet, whose code opens once, and the decision's own state for staff (decided once).
A stuck statement cannot hold a worker: the statement and lock timeouts reach the app's connections,
and a request waiting too long for a locked row answers 503 with nothing changed."""

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask import has_request_context

from cloudplatform import create_app
from cloudplatform.config import ConfigError, load_config
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER, RESIDENT, Membership, ResidencyRequest
from cloudplatform.locker import operations as locker
from cloudplatform.locker.models import Deposit
from cloudplatform.service.bookings.models import Booking, Slot
from cloudplatform.volunteer.models import Redemption, Reward
from tests.factories import ResidencyRequestFactory
from tests.locker.core import device_post, make_cabinet
from tests.service.bookings.fixtures import START, make_service, resident_of, slot_at
from tests.volunteer.points_fixtures import balance, check_ledger
from tests.volunteer.reward_fixtures import make_reward, rich_volunteer
from tests.world import log_in, wechat_user

pytestmark = pytest.mark.postgres

WRITES = ("INSERT", "UPDATE", "DELETE", "WITH")  # WITH: a chain of writes (orm.Chain), as no read here is
UNAVAILABLE = (503, "SERVICE_UNAVAILABLE", "服务暂时不可用，请稍后再试")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def row_counts() -> dict[str, int]:
    """Every table's rows, as committed."""
    _db.session.commit()
    tables = _db.metadata.sorted_tables
    counts = sa.union_all(
        *(
            sa.select(sa.literal(t.name).label("name"), sa.func.count().label("n")).select_from(t)
            for t in tables
        )
    )
    return dict(_db.session.execute(counts).tuples().all())


def scalar(statement):
    _db.session.commit()
    return _db.session.scalar(statement)


@dataclass
class Operation:
    send: Callable  # one attempt; a cabinet's is a fresh, validly signed request each time
    probe: Callable[[], dict]  # what the operation writes, as committed
    after: dict  # the probe once done
    mid: int  # the write before which the connection goes "in the middle"
    done: int  # the status of the attempt that does it
    again: tuple[int, str | None]  # what a further retry answers (None: the first answer replayed)


def booking(client, world) -> Operation:
    """Takes a place in the slot (UPDATE), then writes the booking (INSERT) and its key's answer."""
    slot = slot_at(make_service(world), START.date() + timedelta(days=1), 9)
    resident_of(world.home, "jumin")
    headers = log_in(client, "jumin") | {"Idempotency-Key": "book-1"}

    def probe():
        return {
            "booked": scalar(sa.select(Slot.booked).where(Slot.id == slot.id)),
            "bookings": scalar(sa.select(sa.func.count()).select_from(Booking)),
        }

    send = lambda: client.post("/api/v1/services/bookings", json={"slot_id": slot.id}, headers=headers)  # noqa: E731
    return Operation(send, probe, {"booked": 1, "bookings": 1}, mid=2, done=201, again=(201, None))


def redemption(client, world) -> Operation:
    """One statement takes one from stock, writes the redemption, spends the points (account and ledger)
    and audits it; then the key's answer is remembered: killed before that second write, the first is
    lost with the transaction."""
    reward = make_reward(world.home, price=60, stock=3)
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    headers = log_in(client, "zhiyuan") | {"Idempotency-Key": "redeem-1"}

    def probe():
        check_ledger()
        return {
            "balance": balance(who.user_id),
            "stock": scalar(sa.select(Reward.stock).where(Reward.id == reward.id)),
            "redemptions": scalar(sa.select(sa.func.count()).select_from(Redemption)),
        }

    url = f"/api/v1/volunteer/rewards/{reward.id}/redemptions"
    send = lambda: client.post(url, json={"delivery": "counter"}, headers=headers)  # noqa: E731
    after = {"balance": 40, "stock": 2, "redemptions": 1}
    return Operation(send, probe, after, mid=2, done=201, again=(201, None))


def pickup(client, world) -> Operation:
    """One conditional UPDATE opens the deposit's door; the code opens once."""
    cabinet, key_id, secret = make_cabinet(world.home)
    recipient = resident_of(world.home, "shoujianren")
    issued = locker.deposit(world.staff[GRID_WORKER], cabinet.id, recipient.id, "S", "居住证明")
    _db.session.commit()

    def probe():
        return {"status": scalar(sa.select(Deposit.status).where(Deposit.id == issued.deposit.id))}

    send = lambda: device_post(client, key_id, secret, "pickups", {"code": issued.code})  # noqa: E731
    return Operation(send, probe, {"status": "opening"}, mid=1, done=200, again=(403, "CODE_REFUSED"))


def decision(client, world) -> Operation:
    """A resident of the neighbouring community moving here, approved: the request decided (UPDATE), the
    old residency ended (DELETE), the new one written (INSERT), audited, the result message queued."""
    mover = wechat_user("banjia")
    _db.session.add(Membership(user_id=mover.id, community_id=world.neighbour.id, role=RESIDENT))
    request = ResidencyRequestFactory(
        user_id=mover.id, community_id=world.home.id, building_id=world.buildings[world.home.id]
    )
    headers = log_in(client, f"staff-{GRID_WORKER}")

    def probe():
        homes = sa.select(Membership.community_id).where(Membership.user_id == mover.id)
        return {
            "status": scalar(sa.select(ResidencyRequest.status).where(ResidencyRequest.id == request.id)),
            "residency": scalar(homes.where(Membership.role == RESIDENT)),
        }

    url = f"/api/v1/staff/residency-requests/{request.id}/decision"
    send = lambda: client.post(url, json={"approve": True}, headers=headers)  # noqa: E731
    after = {"status": "approved", "residency": world.home.id}
    return Operation(send, probe, after, mid=3, done=200, again=(409, "ALREADY_DECIDED"))


OPERATIONS = {"booking": booking, "redemption": redemption, "pickup": pickup, "decision": decision}


@contextmanager
def connection_killed(database_url: str, at: int | str):
    """Terminate the request's own database connection from another session, once: right before its
    ``at``-th write (INSERT, UPDATE or DELETE), or, with ``at="commit"``, right before its COMMIT."""
    killer = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    state = {"writes": 0, "killed": False, "connection": None}

    def kill(conn) -> None:
        state["killed"] = True
        pid = conn.connection.driver_connection.info.backend_pid
        with killer.connect() as other:  # returns once that backend is gone
            assert other.scalar(sa.text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid})

    def before_statement(conn, cursor, statement, *_args):
        if state["killed"] or not has_request_context() or not _db.session().in_transaction():
            return
        if _db.session.connection() is not conn:  # the Idempotency-Key's claim has a connection of its own
            return
        state["connection"] = conn
        if at != "commit" and statement.lstrip().upper().startswith(WRITES):
            state["writes"] += 1
            if state["writes"] == at:
                kill(conn)

    def before_commit(conn):
        if at == "commit" and not state["killed"] and conn is state["connection"]:
            kill(conn)

    sa.event.listen(_db.engine, "before_cursor_execute", before_statement)
    sa.event.listen(_db.engine, "commit", before_commit)
    try:
        yield
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", before_statement)
        sa.event.remove(_db.engine, "commit", before_commit)
        killer.dispose()
    assert state["killed"], state


def assert_unavailable(response) -> None:
    error = response.json["error"]
    assert (response.status_code, error["code"], error["message"]) == UNAVAILABLE
    assert response.headers["Retry-After"] == "1"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("moment", ["mid", "commit"])
@pytest.mark.parametrize("name", list(OPERATIONS))
def test_a_connection_killed_mid_operation_answers_503_writes_nothing_and_the_retry_does_it_once(
    app, client, world, database_url, name, moment
):
    operation = OPERATIONS[name](client, world)
    before, counts = operation.probe(), row_counts()

    with connection_killed(database_url, operation.mid if moment == "mid" else "commit"):
        lost = operation.send()
    assert_unavailable(lost)
    assert operation.probe() == before
    assert row_counts() == counts  # no half-written row anywhere (audit, outbox, idempotency keys)

    first = operation.send()
    assert first.status_code == operation.done, first.json
    again = operation.send()
    status, code = operation.again
    assert again.status_code == status
    if code is None:
        assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    else:
        assert again.json["error"]["code"] == code
    assert operation.probe() == operation.after
    assert {n - counts[table] for table, n in row_counts().items()} <= {0, 1}  # each row written once


# -- a stuck statement cannot hold a worker --------------------------------------------------------


SHOW_TIMEOUTS = """
import sqlalchemy as sa
from cloudplatform.extensions import db
show = lambda name: db.session.scalar(sa.text(f"SHOW {name}"))
print("timeouts:", show("statement_timeout"), show("lock_timeout"))
"""


def test_the_timeouts_reach_the_apps_connections_but_not_the_flask_commands(app, database_url):
    assert _db.session.execute(sa.text("SHOW statement_timeout")).scalar() == "15s"
    assert _db.session.execute(sa.text("SHOW lock_timeout")).scalar() == "5s"
    # migrations, the scheduler's jobs, backups and demo data run as `flask --app cloudplatform ...`
    shell = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "cloudplatform", "shell"],
        input=SHOW_TIMEOUTS,
        env=os.environ | {"DATABASE_URL": database_url, "CLOUDPLATFORM_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "timeouts: 0 0" in shell.stdout, shell.stdout + shell.stderr


def test_a_negative_timeout_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_LOCK_TIMEOUT_MS", "-1")
    with pytest.raises(ConfigError, match="DATABASE_LOCK_TIMEOUT_MS"):
        load_config(str(tmp_path))


@pytest.mark.parametrize(
    ("timeouts", "sqlstate"),
    [
        ({"DATABASE_LOCK_TIMEOUT_MS": 200}, "55P03"),  # lock_not_available
        ({"DATABASE_STATEMENT_TIMEOUT_MS": 200, "DATABASE_LOCK_TIMEOUT_MS": 0}, "57014"),  # query_canceled
    ],
)
def test_a_request_waiting_on_a_locked_row_gives_up_with_503_and_changes_nothing(
    database_url, redis_url, standin, service, resident, caplog, timeouts, sqlstate
):
    impatient = create_app(
        {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "TESTING": True, **timeouts}
    )
    slot_id = slot_at(service, START.date() + timedelta(days=1), 9).id
    locked, released = threading.Event(), threading.Event()

    def hold_the_slot():  # another session, its transaction left open (a stuck job, an open psql)
        blocker = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
        with blocker.connect() as conn:
            conn.execute(sa.select(Slot.id).where(Slot.id == slot_id).with_for_update())
            locked.set()
            released.wait(timeout=30)  # without the timeouts the booking waits this long, then books
            conn.rollback()
        blocker.dispose()

    holder = threading.Thread(target=hold_the_slot)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        headers = resident | {"Idempotency-Key": "book-locked"}
        stuck = impatient.test_client().post(
            "/api/v1/services/bookings", json={"slot_id": slot_id}, headers=headers
        )
    finally:
        released.set()
        holder.join()
        with impatient.app_context():
            _db.engine.dispose()
    assert_unavailable(stuck)
    assert row_counts()["booking"] == row_counts()["idempotency_key"] == 0
    assert scalar(sa.select(Slot.booked).where(Slot.id == slot_id)) == 0
    logged = [r.getMessage() for r in caplog.records if r.name == "cloudplatform.transaction"]
    assert len(logged) == 1 and f"SQLSTATE {sqlstate}" in logged[0] and "UPDATE slot" in logged[0]
    assert "parameters" not in logged[0]
