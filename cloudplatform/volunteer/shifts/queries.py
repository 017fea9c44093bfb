"""Reads of 志愿项目 and 班次: the volunteer's upcoming shifts and own sign-ups, the staff's view of a
shift with its sign-ups and waitlist, the scoped loaders, and the shift lock every change takes."""

import sqlalchemy as sa

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.pagination import Keyset, Listed
from cloudplatform.volunteer.attendance.queries import ATTENDANCE
from cloudplatform.volunteer.models import (
    HOLDS_PLACE,
    PUBLISHED,
    SIGNUP_ACTIVE,
    WAITING,
    Shift,
    ShiftSignup,
    Volunteer,
    VolunteerProject,
)
from cloudplatform.volunteer.shifts.errors import ProjectNotFound, ShiftNotFound
from cloudplatform.volunteer.volunteers.queries import MANAGE, require_volunteer

# -- volunteers ---------------------------------------------------------------------------------------


def my_signup_status(volunteer_id) -> sa.ScalarSelect:
    """SQL: the status of the volunteer's active sign-up for the row's shift (NULL: none)."""
    return (
        sa.select(ShiftSignup.status)
        .where(
            ShiftSignup.shift_id == Shift.id,
            ShiftSignup.volunteer_id == volunteer_id,
            ShiftSignup.status.in_(SIGNUP_ACTIVE),
        )
        .limit(1)
        .scalar_subquery()
    )


UPCOMING_SHIFTS = Keyset(  # the published shifts of :community_id starting after :at, soonest first, with
    # :volunteer_id's status
    sa.select(
        Shift,
        VolunteerProject.name,
        VolunteerProject.category,
        my_signup_status(sa.bindparam("volunteer_id", type_=ShiftSignup.volunteer_id.type)),
    )
    .join(VolunteerProject, VolunteerProject.id == Shift.project_id)
    .where(
        Shift.community_id == sa.bindparam("community_id", type_=Shift.community_id.type),
        Shift.status == PUBLISHED,
        Shift.starts_at > sa.bindparam("at", type_=Shift.starts_at.type),
    ),
    [Shift.starts_at, Shift.id],
    descending=False,
)


def upcoming_shifts(user: User, cursor: str | None = None, limit: int = 20):
    """The published shifts of the volunteer's community not started yet, soonest first, each with its
    project's name and category, its places (``taken`` / ``capacity``) and the caller's own status
    (``my_status``, None: not signed up). Two statements: (page of ``Listed``, next cursor).

    :raises NotVolunteer: the caller has not registered.
    """
    volunteer = require_volunteer(user)
    rows, next_cursor = UPCOMING_SHIFTS.page(
        cursor,
        limit,
        {"volunteer_id": volunteer.id, "community_id": volunteer.community_id, "at": now()},
        values_of=lambda row: [row[0].starts_at, row[0].id],
    )
    return [
        Listed(shift, project_name=name, category=category, my_status=status)
        for shift, name, category, status in rows
    ], next_cursor


def my_signups(user: User, active_only: bool = True) -> list[Listed]:
    """The caller's sign-ups (only those holding or awaiting a place, unless ``active_only`` is false),
    soonest shift first, each with its shift and project name; two statements.

    :raises NotVolunteer: the caller has not registered.
    """
    volunteer = require_volunteer(user)
    stmt = (
        sa.select(ShiftSignup, Shift, VolunteerProject.name)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .join(VolunteerProject, VolunteerProject.id == Shift.project_id)
        .where(ShiftSignup.volunteer_id == volunteer.id)
        .order_by(ShiftSignup.starts_at, ShiftSignup.id)
    )
    if active_only:
        stmt = stmt.where(ShiftSignup.status.in_(SIGNUP_ACTIVE))
    return [
        Listed(signup, shift=shift, project_name=name) for signup, shift, name in db.session.execute(stmt)
    ]


def own_active_signup(volunteer_id: int, shift_id: int, *, lock: bool = False) -> ShiftSignup | None:
    stmt = sa.select(ShiftSignup).where(
        ShiftSignup.shift_id == shift_id,
        ShiftSignup.volunteer_id == volunteer_id,
        ShiftSignup.status.in_(SIGNUP_ACTIVE),
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def latest_signup(volunteer_id: int, shift_id: int, *, lock: bool = False) -> ShiftSignup | None:
    """The volunteer's latest sign-up for the shift, whatever its status."""
    stmt = (
        sa.select(ShiftSignup)
        .where(ShiftSignup.shift_id == shift_id, ShiftSignup.volunteer_id == volunteer_id)
        .order_by(ShiftSignup.id.desc())
        .limit(1)
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(stmt)


def overlapping_signup(volunteer_id: int, shift: Shift) -> bool:
    """The volunteer holds or awaits a place on another shift overlapping ``shift``'s time."""
    return (
        db.session.scalar(
            sa.select(ShiftSignup.id)
            .where(
                ShiftSignup.volunteer_id == volunteer_id,
                ShiftSignup.status.in_(SIGNUP_ACTIVE),
                ShiftSignup.shift_id != shift.id,
                ShiftSignup.starts_at < shift.ends_at,
                ShiftSignup.ends_at > shift.starts_at,
            )
            .limit(1)
        )
        is not None
    )


def first_waiting(shift_id: int) -> sa.ScalarSelect:
    """SQL: the id of the shift's first waiting sign-up (first come, first offered)."""
    return (
        sa.select(ShiftSignup.id)
        .where(ShiftSignup.shift_id == shift_id, ShiftSignup.status == WAITING)
        .order_by(ShiftSignup.id)
        .limit(1)
        .scalar_subquery()
    )


def lock_shift(shift_id: int) -> Shift | None:
    """The shift, its row locked until the transaction ends (PostgreSQL; SQLite writes one at a time):
    sign-ups, cancellations, offers and lapses of one shift take turns, so the waitlist is always true."""
    return db.session.scalar(
        sa.select(Shift)
        .where(Shift.id == shift_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# -- staff --------------------------------------------------------------------------------------------


def load_project(staff: StaffAccount | None, project_id: int) -> VolunteerProject:
    """A project of the staff member's communities: 403 without the right, 404 outside the scope."""
    return permissions.load_scoped(VolunteerProject, project_id, staff, MANAGE, ProjectNotFound)


def load_shift(staff: StaffAccount | None, shift_id: int, action: str = MANAGE) -> Shift:
    """A shift of the staff member's communities: 403 without the right, 404 outside the scope."""
    return permissions.load_scoped(Shift, shift_id, staff, action, ShiftNotFound)


def shift_roster(staff: StaffAccount | None, shift_id: int) -> Listed:
    """One shift for its organisers: ``signups`` — those holding a place (signed up, or offered and not
    confirmed yet) in the order they came — and ``waitlist`` in its order (first offered first), each
    with its ``volunteer``. Two statements after the staff member's. For whoever takes attendance
    (``volunteer.attendance``: an organiser or grid worker at the venue), as the console's shift page.

    :raises Forbidden, ShiftNotFound: see ``load_shift``.
    """
    shift = load_shift(staff, shift_id, ATTENDANCE)
    rows = db.session.execute(
        sa.select(ShiftSignup, Volunteer)
        .join(Volunteer, Volunteer.id == ShiftSignup.volunteer_id)
        .where(ShiftSignup.shift_id == shift.id, ShiftSignup.status.in_(SIGNUP_ACTIVE))
        .order_by(ShiftSignup.id)
    ).all()
    listed = [Listed(signup, volunteer=volunteer) for signup, volunteer in rows]
    return Listed(
        shift,
        signups=[s for s in listed if s.status in HOLDS_PLACE],
        waitlist=[s for s in listed if s.status == WAITING],
    )
