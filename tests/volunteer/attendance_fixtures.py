"""Helpers of the attendance, hours and dispute tests: a standing clock (Monday 2026-12-07 08:00 Beijing;
shifts made by ``tests.volunteer.fixtures.shift`` start two days later, Wednesday 08:00–10:00), the
shift's venue code and a volunteer's personal code, and a volunteer who attended."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import User
from cloudplatform.venue import venue_code
from cloudplatform.volunteer.attendance import operations
from cloudplatform.volunteer.models import PointAccount, PointEntry, ShiftSignup, Volunteer
from tests.volunteer.fixtures import START, project, shift, signup, volunteer

WEDNESDAY = timedelta(days=2)  # the fixtures' shifts start then, 08:00


@pytest.fixture(name="clock")
def standing_clock():
    """The standing clock (import ``standing_clock`` into a test module; tests ask for ``clock``)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(clock, **delta):
    """Move the standing clock to ``delta`` after Wednesday 08:00 (the shift's start)."""
    clock.move_to(START + WEDNESDAY + timedelta(**delta))


def shift_code(of) -> str:
    return venue_code("volunteer_shift", of.id)


def card_code(of: Volunteer) -> str:
    return venue_code("volunteer_card", of.id)


def user_of(who: Volunteer) -> User:
    user = _db.session.get(User, who.user_id)
    assert user is not None
    return user


def signed_up(world, name="xiaoli", category="youth", **shift_fields):
    """A volunteer of the home community signed up for a shift of a project there: (shift, volunteer,
    sign-up)."""
    made = shift(project(world.home, category=category), **shift_fields)
    who = volunteer(world.home, name)
    return made, who, signup(made, who)


def attended(world, clock, name="xiaoli", checked_in=None, checked_out=None, **shift_fields):
    """A volunteer who signed up and checked in (by default at 07:50, ten minutes early) and out
    (``checked_out`` after the start, if given): (shift, volunteer, sign-up). The clock goes back to
    Monday first: the shift starts two days later."""
    clock.move_to(START)
    made, who, own = signed_up(world, name, **shift_fields)
    at(clock, **(checked_in or {"minutes": -10}))
    operations.check_in(user_of(who), shift_code(made))
    if checked_out is not None:
        at(clock, **checked_out)
        operations.check_out(user_of(who), shift_code(made))
    _db.session.commit()
    return made, who, own


def fresh(model, record_id):
    _db.session.expire_all()
    return _db.session.get(model, record_id)


def state(own: ShiftSignup) -> tuple:
    """What a refusal must leave unchanged: the sign-up's attendance and hours, the volunteer's total,
    the points ledger's rows and the balance."""
    _db.session.rollback()
    _db.session.expire_all()
    row = _db.session.get(ShiftSignup, own.id)
    assert row is not None
    total = _db.session.scalar(select(Volunteer.confirmed_minutes).where(Volunteer.id == row.volunteer_id))
    entries = _db.session.scalar(select(func.count(PointEntry.id)))
    balance = _db.session.scalar(select(PointAccount.balance).where(PointAccount.user_id == row.user_id))
    return (
        row.checked_in_at,
        row.checked_out_at,
        row.scanned_by_id,
        row.minutes,
        row.confirmed_at,
        row.confirmed_by_id,
        total,
        entries,
        balance,
    )


def ledger_sum(user_id: int) -> int:
    return _db.session.scalar(
        select(func.coalesce(func.sum(PointEntry.amount), 0)).where(PointEntry.user_id == user_id)
    )
