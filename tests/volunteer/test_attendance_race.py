"""Organisers race to confirm one attendance, and staff to decide one dispute — on PostgreSQL, each in
its own thread, app context and connection: exactly one wins, the rest answer 409 and change nothing."""

import threading

import pytest
from sqlalchemy import func, select

from cloudplatform.errors import AppError
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
    StaffAccount,
)
from cloudplatform.volunteer.attendance.operations import confirm_attendance, decide_dispute, dispute_hours
from cloudplatform.volunteer.models import HoursDispute, PointAccount, PointEntry, ShiftSignup, Volunteer
from tests.volunteer.attendance_fixtures import (
    at,
    attended,
    ledger_sum,
    standing_clock,  # noqa: F401 (the fixture clock)
    user_of,
)
from tests.volunteer.fixtures import rule

pytestmark = pytest.mark.postgres


def race(app, calls) -> list[str]:
    """Run each ``(operation, staff id, load the record)`` at once, each in its own app context (at most
    eight: the pool holds ten connections, one the test's); returns "ok" or the error's code for each."""
    barrier = threading.Barrier(len(calls))
    results = [""] * len(calls)

    def run(i, operation, staff_id, load):
        with app.app_context():
            staff = _db.session.get(StaffAccount, staff_id)
            record = load()
            barrier.wait(timeout=20)
            try:
                operation(staff, record)
                _db.session.commit()
                results[i] = "ok"
            except AppError as error:
                _db.session.rollback()
                results[i] = error.code
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


STAFF = (GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN)


def test_organisers_confirming_one_attendance_at_once_credit_it_once(app, world, clock):
    rule(world.home, points_per_hour=10)
    _, who, own = attended(world, clock)
    at(clock, hours=2)
    _db.session.commit()

    def load():
        return _db.session.get(ShiftSignup, own.id)

    calls = [(confirm_attendance, world.staff[role].id, load) for role in STAFF * 2]
    results = race(app, calls)
    assert sorted(results) == ["SHIFT_ATTENDANCE_CONFIRMED"] * 5 + ["ok"]
    _db.session.expire_all()
    row = _db.session.get(ShiftSignup, own.id)
    assert row.minutes == 120 and row.confirmed_at is not None
    earned = select(func.count()).where(PointEntry.signup_id == own.id, PointEntry.kind == "earn")
    assert _db.session.scalar(earned) == 1
    assert _db.session.scalar(select(func.count(PointEntry.id))) == 1
    assert _db.session.get(Volunteer, who.id).confirmed_minutes == 120
    balance = _db.session.scalar(select(PointAccount.balance).where(PointAccount.user_id == who.user_id))
    assert balance == ledger_sum(who.user_id) == 20


def test_staff_deciding_one_dispute_at_once_correct_it_once(app, world, clock):
    rule(world.home, points_per_hour=10)
    _, who, own = attended(world, clock, checked_in={"minutes": 30})
    at(clock, hours=2)
    confirm_attendance(world.staff[GRID_WORKER], own)
    _db.session.commit()
    dispute = dispute_hours(user_of(who), own.id, "我8点就到了", claimed_minutes=120)
    _db.session.commit()

    def load():
        return _db.session.get(HoursDispute, dispute.id)

    def uphold(staff, record):
        decide_dispute(staff, record, True, "核实后更正")

    def dismiss(staff, record):
        decide_dispute(staff, record, False, "维持原时长")

    roles = (COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN)
    calls = [(uphold, world.staff[role].id, load) for role in roles]
    calls += [(dismiss, world.staff[role].id, load) for role in roles]
    results = race(app, calls)
    assert sorted(results) == ["HOURS_DISPUTE_DECIDED"] * 5 + ["ok"]
    _db.session.expire_all()
    decided = _db.session.get(HoursDispute, dispute.id)
    minutes = _db.session.get(ShiftSignup, own.id).minutes
    adjusts = _db.session.scalar(select(func.count()).where(PointEntry.kind == "adjust"))
    if decided.status == "upheld":
        assert (minutes, decided.minutes_after, adjusts) == (120, 120, 1)
    else:
        assert (decided.status, minutes, decided.minutes_after, adjusts) == ("dismissed", 90, 90, 0)
    assert _db.session.get(Volunteer, who.id).confirmed_minutes == minutes
    balance = _db.session.scalar(select(PointAccount.balance).where(PointAccount.user_id == who.user_id))
    assert balance == ledger_sum(who.user_id) == minutes * 10 // 60
