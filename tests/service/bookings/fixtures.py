"""Bookings fixtures (a pytest plugin): a bookable service in the home community, its slots, and residents
who may book it. Tests under tests/service/bookings/ run on a clock standing still on Monday 2026-12-07
08:00 in Asia/Shanghai (their conftest); they move it with ``later``.
"""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, RESIDENT, Membership
from cloudplatform.service.bookings.models import Slot
from cloudplatform.service.bookings.operations import create_bookable, set_opening_hours
from tests.world import log_in, wechat_user

MONDAY = date(2026, 12, 7)
START = datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)


def make_service(world, community=None, **rules):
    """证明开具: weekdays 9:00-12:00, 60-minute slots of 2 places, booked up to 14 days ahead."""
    fields = {
        "name": "证明开具",
        "slot_minutes": 60,
        "capacity": 2,
        "min_notice_hours": 2,
        "max_advance_days": 14,
        "max_active_per_user": 2,
        "cancel_cutoff_hours": 2,
    } | rules
    community = community or world.home
    staff = world.staff[COMMUNITY_STAFF] if community.id == world.home.id else world.staff["city_admin"]
    bookable = create_bookable(staff, community.id, **fields)
    set_opening_hours(staff, bookable, [(weekday, 9 * 60, 12 * 60) for weekday in range(5)])
    _db.session.commit()
    return bookable


@pytest.fixture
def service(world):
    return make_service(world)


def slot_at(bookable, day: date, hour: int) -> Slot:
    starts = datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ)
    return _db.session.scalar(select(Slot).where(Slot.bookable_id == bookable.id, Slot.starts_at == starts))


def resident_of(community, name: str):
    """A user who is a resident of ``community``; log in as them with ``log_in(client, name)``."""
    user = wechat_user(name)
    _db.session.add(Membership(user_id=user.id, community_id=community.id, role=RESIDENT))
    _db.session.commit()
    return user


@pytest.fixture
def resident_user(world):
    return resident_of(world.home, "resident")


@pytest.fixture
def resident(client, resident_user):
    """The Authorization header of a resident of the home community."""
    return log_in(client, "resident")


def later(clock, **delta):
    """Move the standing clock forward."""
    clock.move_to(START + timedelta(**delta))
