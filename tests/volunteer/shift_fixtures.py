"""Helpers for the volunteers and shifts tests: the standing clock, the staff who manage the home
community, refusals that must change nothing, and the state of a shift's places."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, User
from cloudplatform.notify.models import Notification
from cloudplatform.volunteer.models import HOLDS_PLACE, Shift, ShiftSignup
from tests.volunteer.fixtures import START


def standing_clock():
    """The standing clock (each test module's autouse ``clock`` fixture holds it)."""
    return time_machine.travel(START, tick=False)


def at(clock, **delta):
    """Move the standing clock to ``delta`` after Monday 08:00 (Beijing)."""
    clock.move_to(START + timedelta(**delta))


def staff(world):
    return world.staff[COMMUNITY_STAFF]


def done(operation, *args, **kwargs):
    """Run an operation as a request would: its work committed."""
    result = operation(*args, **kwargs)
    _db.session.commit()
    return result


def refused(error, operation, *args, **kwargs):
    """The operation raises ``error`` and its work is rolled back (as the request's would be)."""
    with pytest.raises(error) as raised:
        operation(*args, **kwargs)
    _db.session.rollback()
    return raised.value


def user_of(volunteer) -> User:
    return _db.session.get(User, volunteer.user_id)


def places(shift_id) -> tuple[int, int]:
    """(the shift's counter, the sign-ups holding a place): always equal."""
    _db.session.commit()
    _db.session.expire_all()
    taken = _db.session.scalar(select(Shift.taken).where(Shift.id == shift_id))
    held = _db.session.scalar(
        select(func.count()).where(ShiftSignup.shift_id == shift_id, ShiftSignup.status.in_(HOLDS_PLACE))
    )
    return taken, held


def statuses(shift_id) -> dict[int, str]:
    """Volunteer id -> the status of their latest sign-up for the shift."""
    _db.session.expire_all()
    rows = _db.session.execute(
        select(ShiftSignup.volunteer_id, ShiftSignup.status)
        .where(ShiftSignup.shift_id == shift_id)
        .order_by(ShiftSignup.id)
    )
    return dict(rows.tuples().all())


def snapshot(shift_id) -> tuple:
    """Everything a refusal must leave alone: the shift's counter, its sign-ups, the messages, the audit."""
    _db.session.expire_all()
    signups = _db.session.execute(
        select(ShiftSignup.id, ShiftSignup.status)
        .where(ShiftSignup.shift_id == shift_id)
        .order_by(ShiftSignup.id)
    ).all()
    return (
        _db.session.scalar(select(Shift.taken).where(Shift.id == shift_id)),
        signups,
        _db.session.scalar(select(func.count(Notification.id))),
        _db.session.scalar(select(func.count(AuditEntry.id))),
    )


def messages(user_id, template="volunteer_shift") -> list[Notification]:
    _db.session.commit()
    return list(
        _db.session.scalars(
            select(Notification).where(Notification.user_id == user_id, Notification.template_key == template)
        )
    )


def audited(action) -> list[AuditEntry]:
    _db.session.commit()
    return list(_db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
