"""Reads of 志愿服务考勤与时长: the check-in's one read, the scoped loaders, the staff's attendance and
dispute queues, a volunteer's hours by month and year, and the venue code's purpose (staff show it at the
shift; volunteers scan it to check in and out)."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from cloudplatform.clock import local
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.venue import Purpose, register_purpose
from cloudplatform.volunteer.attendance.errors import DisputeNotFound, ShiftNotFound, SignupNotFound
from cloudplatform.volunteer.models import (
    DISPUTE_OPEN,
    SIGNED_UP,
    HoursDispute,
    Shift,
    ShiftSignup,
    Volunteer,
)

ATTENDANCE = "volunteer.attendance"
DISPUTES = "volunteer.disputes"
VENUE_PURPOSE = "volunteer_shift"  # the venue code of a shift: volunteers scan it to check in and out
CARD_PURPOSE = "volunteer_card"  # a volunteer's rotating personal code: the organiser scans it
QUEUE_LIMIT = 200


def shift_minutes(shift: Shift) -> int:
    """The shift's planned length in minutes."""
    return int((shift.ends_at - shift.starts_at).total_seconds() // 60)


# The check-in's one read (a hot path): the shift with the caller's sign-up holding a place on it.
ATTENDANCE_ROW = (
    sa.select(Shift, ShiftSignup)
    .select_from(Shift)
    .outerjoin(
        ShiftSignup,
        sa.and_(
            ShiftSignup.shift_id == Shift.id,
            ShiftSignup.user_id == sa.bindparam("user_id"),
            ShiftSignup.status == SIGNED_UP,
        ),
    )
    .where(Shift.id == sa.bindparam("shift_id"))
)


def attendance_row(user_id: int, shift_id: int):
    """(shift, the user's signed-up sign-up or None), or None when there is no such shift; one statement."""
    return db.session.execute(ATTENDANCE_ROW, {"user_id": user_id, "shift_id": shift_id}).first()


def signed_up(shift_id: int, volunteer_id: int) -> ShiftSignup | None:
    """The volunteer's sign-up holding a place on the shift."""
    return db.session.scalar(
        sa.select(ShiftSignup).where(
            ShiftSignup.shift_id == shift_id,
            ShiftSignup.volunteer_id == volunteer_id,
            ShiftSignup.status == SIGNED_UP,
        )
    )


# -- the scoped loaders -------------------------------------------------------------------------------


def load_shift(staff: StaffAccount | None, shift_id: int) -> Shift:
    """A shift of the staff member's communities, for attendance: 403 without the right, 404 outside."""
    return permissions.load_scoped(Shift, shift_id, staff, ATTENDANCE, ShiftNotFound)


def load_signup(staff: StaffAccount | None, signup_id: int) -> ShiftSignup:
    """A sign-up of the staff member's communities, for attendance: 403 / 404 as ``load_shift``."""
    return permissions.load_scoped(ShiftSignup, signup_id, staff, ATTENDANCE, SignupNotFound)


def load_dispute(staff: StaffAccount | None, dispute_id: int) -> HoursDispute:
    """A dispute of the staff member's communities: 403 without ``volunteer.disputes``, 404 outside."""
    return permissions.load_scoped(HoursDispute, dispute_id, staff, DISPUTES, DisputeNotFound)


def own_signup(user: User, signup_id: int) -> ShiftSignup:
    """The caller's own sign-up (another's answers 404)."""
    signup = db.session.get(ShiftSignup, signup_id)
    if signup is None or signup.user_id != user.id:
        raise SignupNotFound()
    return signup


# -- the staff's queues ---------------------------------------------------------------------------------


def attendance_queue(staff: StaffAccount, limit: int = QUEUE_LIMIT) -> list[ShiftSignup]:
    """The checked-in sign-ups whose hours are not confirmed yet, of shifts in the staff member's scope,
    oldest check-in first; each with its volunteer and its shift and project loaded. One statement."""
    staff = permissions.require(staff, ATTENDANCE)
    return list(
        db.session.scalars(
            sa.select(ShiftSignup)
            .join(ShiftSignup.volunteer)
            .join(ShiftSignup.shift)
            .join(Shift.project)
            .where(
                scope_filter(staff, ShiftSignup.community_id),
                ShiftSignup.status == SIGNED_UP,
                ShiftSignup.checked_in_at.is_not(None),
                ShiftSignup.confirmed_at.is_(None),
            )
            .options(
                contains_eager(ShiftSignup.volunteer),
                contains_eager(ShiftSignup.shift).contains_eager(Shift.project),
            )
            .order_by(ShiftSignup.checked_in_at, ShiftSignup.id)
            .limit(limit)
        )
    )


def open_disputes(staff: StaffAccount, limit: int = QUEUE_LIMIT) -> list[HoursDispute]:
    """The open disputes of the staff member's communities, oldest first; each with its sign-up, the
    sign-up's volunteer, shift and project loaded. One statement."""
    staff = permissions.require(staff, DISPUTES)
    return list(
        db.session.scalars(
            sa.select(HoursDispute)
            .join(HoursDispute.signup)
            .join(ShiftSignup.volunteer)
            .join(ShiftSignup.shift)
            .join(Shift.project)
            .where(scope_filter(staff, HoursDispute.community_id), HoursDispute.status == DISPUTE_OPEN)
            .options(
                contains_eager(HoursDispute.signup).contains_eager(ShiftSignup.volunteer),
                contains_eager(HoursDispute.signup)
                .contains_eager(ShiftSignup.shift)
                .contains_eager(Shift.project),
            )
            .order_by(HoursDispute.created_at, HoursDispute.id)
            .limit(limit)
        )
    )


# -- a volunteer's hours -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursTotal:
    period: str  # "2026-12" (a month) or "2026" (a year), Beijing time of the shift's start
    minutes: int
    shifts: int


def hours_totals(volunteer: Volunteer) -> dict[str, list[HoursTotal]]:
    """The volunteer's confirmed minutes and shifts by month and by year (of the shifts' Beijing start),
    latest first: ``{"months": [...], "years": [...]}``. One statement."""
    rows = db.session.execute(
        sa.select(ShiftSignup.starts_at, ShiftSignup.minutes).where(
            ShiftSignup.volunteer_id == volunteer.id, ShiftSignup.confirmed_at.is_not(None)
        )
    ).tuples()
    months: dict[str, list[int]] = {}
    years: dict[str, list[int]] = {}
    for starts_at, minutes in rows:
        day: datetime = local(starts_at)
        for totals, period in ((months, f"{day:%Y-%m}"), (years, f"{day:%Y}")):
            total = totals.setdefault(period, [0, 0])
            total[0] += minutes or 0
            total[1] += 1

    def listed(totals: dict[str, list[int]]) -> list[HoursTotal]:
        return [HoursTotal(p, m, n) for p, (m, n) in sorted(totals.items(), reverse=True)]

    return {"months": listed(months), "years": listed(years)}


def shift_label(shift: Shift) -> str:
    return shift.project.name


register_purpose(
    Purpose(
        VENUE_PURPOSE,
        "志愿服务签到",
        load=lambda staff, shift_id: load_shift(staff, shift_id),
        label=shift_label,
    )
)
