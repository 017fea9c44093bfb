"""Reads of 志愿云 the mini-program's API needs beside the core's: the caller's profile with their points,
the shifts of their community a page at a time, their sign-ups a page at a time, and their points."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import User
from cloudplatform.pagination import Listed, keyset_page
from cloudplatform.volunteer.attendance.queries import hours_totals
from cloudplatform.volunteer.models import SIGNUP_ACTIVE, PointEntry, Shift, ShiftSignup, Volunteer
from cloudplatform.volunteer.points.queries import balance_of, ledger_page
from cloudplatform.volunteer.shifts.queries import upcoming_shifts
from cloudplatform.volunteer.volunteers.queries import require_volunteer


def own_profile(user: User) -> Listed:
    """The caller's registration with its community and their points balance (``points``).

    :raises NotVolunteer: the caller has not registered.
    """
    volunteer = db.session.scalar(
        sa.select(Volunteer).where(Volunteer.user_id == user.id).options(joinedload(Volunteer.community))
    )
    if volunteer is None:
        require_volunteer(user)  # raises NotVolunteer
    return Listed(volunteer, points=balance_of(user.id))


def shifts_page(user: User, community_id: int | None, cursor: str | None, limit: int):
    """The upcoming shifts of the volunteer's community (``shifts.queries.upcoming_shifts``); a page of
    none when ``community_id`` names another community. Two statements.

    :raises NotVolunteer: the caller has not registered.
    :raises InvalidCursor: the cursor was not a ``next_cursor`` of this list.
    """
    if community_id is not None:
        volunteer = require_volunteer(user)
        if volunteer.community_id != community_id:
            return [], None
    return upcoming_shifts(user, cursor, limit)


def my_signups_page(user: User, active: bool, cursor: str | None, limit: int):
    """The caller's sign-ups with their shift and project: those holding or awaiting a place, soonest
    first (``active``), or every one, latest shift first. Two statements: (page, next cursor).

    :raises NotVolunteer: the caller has not registered.
    :raises InvalidCursor: the cursor was not a ``next_cursor`` of this list.
    """
    volunteer = require_volunteer(user)
    stmt = (
        sa.select(ShiftSignup)
        .where(ShiftSignup.volunteer_id == volunteer.id)
        .options(joinedload(ShiftSignup.shift).joinedload(Shift.project))
    )
    if active:
        stmt = stmt.where(ShiftSignup.status.in_(SIGNUP_ACTIVE), ShiftSignup.ends_at > now())
    return keyset_page(stmt, [ShiftSignup.starts_at, ShiftSignup.id], cursor, limit, descending=not active)


def my_points(user: User, cursor: str | None, limit: int) -> dict:
    """The caller's balance and a page of their ledger, newest first: two statements.

    :raises InvalidCursor: the cursor was not a ``next_cursor`` of this list.
    """
    items: list[PointEntry]
    items, next_cursor = ledger_page(user.id, cursor, limit)
    return {"balance": balance_of(user.id), "items": items, "next_cursor": next_cursor}


def my_hours(user: User) -> Listed:
    """The caller's registration with their confirmed minutes by month and by year (``months``,
    ``years``; ``attendance.queries.hours_totals``): two statements.

    :raises NotVolunteer: the caller has not registered.
    """
    volunteer = require_volunteer(user)
    return Listed(volunteer, **hours_totals(volunteer))
