"""Reads of 志愿云 for the staff console: the shifts of the staff member's communities with their places
and waitlist, a shift's roster and attendance, the projects to choose from, the communities' points
rules, and the volunteers with their hours and points balance. Each list checks the right it shows."""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import (
    CONSOLE_PAGE_SIZE,
    Listed,
    NumberedPage,
    contains,
    numbered_page,
    sort_order,
)
from cloudplatform.volunteer.attendance.queries import ATTENDANCE
from cloudplatform.volunteer.models import (
    HOLDS_PLACE,
    OPEN,
    SIGNED_UP,
    SIGNUP_ACTIVE,
    WAITING,
    PointAccount,
    PointRule,
    Shift,
    ShiftSignup,
    Volunteer,
    VolunteerProject,
)
from cloudplatform.volunteer.points.operations import MANAGE as POINTS
from cloudplatform.volunteer.shifts.queries import load_shift
from cloudplatform.volunteer.volunteers.queries import MANAGE

PROJECT_LIMIT = 200
RULE_LIMIT = 200
SHIFT_SORTS: dict[str, list] = {"starts": [Shift.starts_at, Shift.id]}
VOLUNTEER_SORTS: dict[str, list] = {
    "name": [Volunteer.real_name, Volunteer.id],
    "minutes": [Volunteer.confirmed_minutes, Volunteer.id],
    "registered": [Volunteer.created_at, Volunteer.id],
}


def shifts_list(
    staff: StaffAccount,
    *,
    q: str = "",
    community_id: int | None = None,
    project_id: int | None = None,
    upcoming: bool | None = None,
    sort: str = "starts",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 志愿班次: shifts of the staff member's communities (403 without
    ``volunteer.attendance``), of one community or project, whose project name or place contains ``q``,
    not over yet (``upcoming``), over, or all; by start, each with its project. Two statements."""
    staff = permissions.require(staff, ATTENDANCE)
    stmt = (
        sa.select(Shift)
        .join(Shift.project)
        .options(contains_eager(Shift.project))
        .where(scope_filter(staff, Shift.community_id))
    )
    if q:
        stmt = stmt.where(sa.or_(contains(VolunteerProject.name, q), contains(Shift.place, q)))
    if community_id is not None:
        stmt = stmt.where(Shift.community_id == community_id)
    if project_id is not None:
        stmt = stmt.where(Shift.project_id == project_id)
    if upcoming is not None:
        stmt = stmt.where(Shift.ends_at > now() if upcoming else Shift.ends_at <= now())
    return numbered_page(stmt, sort_order(sort, SHIFT_SORTS), page, per_page)


def shift_counts(shift_ids: list[int]) -> dict[int, dict[str, int]]:
    """Of each shift: volunteers waiting (``waiting``) and checked in (``checked_in``); one statement."""
    if not shift_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            ShiftSignup.shift_id,
            sa.func.count().filter(ShiftSignup.status == WAITING),
            sa.func.count().filter(ShiftSignup.status == SIGNED_UP, ShiftSignup.checked_in_at.is_not(None)),
        )
        .where(ShiftSignup.shift_id.in_(shift_ids))
        .group_by(ShiftSignup.shift_id)
    ).tuples()
    return {shift_id: {"waiting": w, "checked_in": c} for shift_id, w, c in rows}


def projects_in_scope(staff: StaffAccount, community_id: int | None = None) -> list[VolunteerProject]:
    """The open projects of the staff member's communities (or one of them), by name; one statement."""
    stmt = sa.select(VolunteerProject).where(
        scope_filter(staff, VolunteerProject.community_id), VolunteerProject.status == OPEN
    )
    if community_id is not None:
        stmt = stmt.where(VolunteerProject.community_id == community_id)
    return list(
        db.session.scalars(stmt.order_by(VolunteerProject.name, VolunteerProject.id).limit(PROJECT_LIMIT))
    )


def shift_sheet(staff: StaffAccount | None, shift_id: int) -> Listed:
    """One shift for the console (403 without ``volunteer.attendance``, 404 outside the scope): its
    project, ``signups`` holding a place in the order they came (with attendance and minutes) and
    ``waitlist`` in its order, each with its ``volunteer``. Two statements after the staff member's."""
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


def rules_list(staff: StaffAccount, community_id: int | None = None) -> list[PointRule]:
    """The points rules of the staff member's communities (403 without ``points.manage``), by community
    and newest first; one statement."""
    staff = permissions.require(staff, POINTS)
    stmt = sa.select(PointRule).where(scope_filter(staff, PointRule.community_id))
    if community_id is not None:
        stmt = stmt.where(PointRule.community_id == community_id)
    return list(
        db.session.scalars(
            stmt.order_by(PointRule.community_id, PointRule.effective_from.desc(), PointRule.id.desc()).limit(
                RULE_LIMIT
            )
        )
    )


def volunteers_list(
    staff: StaffAccount,
    *,
    q: str = "",
    community_id: int | None = None,
    sort: str = "name",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The volunteers of the staff member's communities (403 without ``volunteer.manage``), of one
    community, whose name contains ``q``; by name, confirmed minutes or registration. Two statements."""
    staff = permissions.require(staff, MANAGE)
    stmt = sa.select(Volunteer).where(scope_filter(staff, Volunteer.community_id))
    if q:
        stmt = stmt.where(contains(Volunteer.real_name, q))
    if community_id is not None:
        stmt = stmt.where(Volunteer.community_id == community_id)
    return numbered_page(stmt, sort_order(sort, VOLUNTEER_SORTS), page, per_page)


def balances(user_ids: list[int]) -> dict[int, int]:
    """The points balance of each user (missing: no points yet); one statement."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        sa.select(PointAccount.user_id, PointAccount.balance).where(PointAccount.user_id.in_(user_ids))
    ).tuples()
    return {user_id: balance for user_id, balance in rows}
