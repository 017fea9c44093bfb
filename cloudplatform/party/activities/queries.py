"""Reads of 党建活动: who may join an activity, the members' and the staff's lists, the scoped loaders, and
the venue code's purpose (staff show it at the activity; members scan it to check in)."""

import sqlalchemy as sa

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import (
    CONSOLE_PAGE_SIZE,
    Keyset,
    Listed,
    NumberedPage,
    contains,
    numbered_page,
    rows_page,
    sort_order,
)
from cloudplatform.party.errors import ActivityNotFound, SignupNotFound
from cloudplatform.party.models import (
    APPROVED,
    COMMUNITY_MEMBERS,
    EVERYONE,
    PUBLISHED,
    SIGNUP_ACTIVE,
    UNIT_MEMBERS,
    WAITING,
    Activity,
    ActivitySignup,
    PartyReport,
    ServiceHours,
)
from cloudplatform.party.queries import require_party_member
from cloudplatform.venue import Purpose, register_purpose

MANAGE = "party.manage"
ATTENDANCE = "party.attendance"
VENUE_PURPOSE = "party_activity"  # the venue code of an activity: members scan it to check in and out


def in_audience(report_community_id, report_unit_id) -> sa.ColumnElement[bool]:
    """SQL: the activity is for a member reported to ``report_community_id`` as one of ``report_unit_id``
    (values or SQL expressions)."""
    return sa.or_(
        sa.and_(Activity.audience == COMMUNITY_MEMBERS, Activity.community_id == report_community_id),
        sa.and_(Activity.audience == UNIT_MEMBERS, Activity.unit_id == report_unit_id),
        Activity.audience == EVERYONE,
    )


def is_in_audience(activity: Activity, report: PartyReport) -> bool:
    if activity.audience == COMMUNITY_MEMBERS:
        return activity.community_id == report.community_id
    if activity.audience == UNIT_MEMBERS:
        return activity.unit_id == report.unit_id
    return activity.audience == EVERYONE


def is_visible(activity: Activity, report: PartyReport) -> bool:
    """A member sees the activities for them and every activity of their own community (walk-ins)."""
    return activity.community_id == report.community_id or is_in_audience(activity, report)


def my_signup_status(user_id) -> sa.ScalarSelect:
    """SQL: the status of the user's active sign-up for the row's activity (NULL: none)."""
    return (
        sa.select(ActivitySignup.status)
        .where(
            ActivitySignup.activity_id == Activity.id,
            ActivitySignup.user_id == user_id,
            ActivitySignup.status.in_(SIGNUP_ACTIVE),
        )
        .limit(1)
        .scalar_subquery()
    )


# -- members ----------------------------------------------------------------------------------------


def _member_activities(upcoming: bool) -> sa.Select:
    """The published activities for a member (reported to ``:community_id`` as one of ``:unit_id``), with
    ``:user_id``'s sign-up status: those not over at ``:at``, or (``upcoming`` false) those over."""
    at = sa.bindparam("at", type_=Activity.ends_at.type)
    community_id = sa.bindparam("community_id", type_=Activity.community_id.type)
    unit_id = sa.bindparam("unit_id", type_=Activity.unit_id.type)
    return sa.select(Activity, my_signup_status(sa.bindparam("user_id"))).where(
        Activity.status == PUBLISHED,
        in_audience(community_id, unit_id),
        Activity.ends_at > at if upcoming else Activity.ends_at <= at,
    )


MEMBER_ACTIVITIES = {  # soonest first, or (those over) latest first
    upcoming: Keyset(_member_activities(upcoming), [Activity.starts_at, Activity.id], descending=not upcoming)
    for upcoming in (True, False)
}


def member_activities_page(user: User, upcoming: bool, cursor: str | None, limit: int):
    """The published activities for the member, each with the member's own sign-up status: those not
    over yet soonest first, or (``upcoming`` false) those over, latest first. Two statements (the
    member's report and the page), built once: (page of ``Listed``, next cursor).

    :raises NotPartyMember: the caller has no approved report.
    """
    report = require_party_member(user)
    rows, next_cursor = MEMBER_ACTIVITIES[upcoming].page(
        cursor,
        limit,
        {"user_id": user.id, "community_id": report.community_id, "unit_id": report.unit_id, "at": now()},
        values_of=lambda row: [row[0].starts_at, row[0].id],
    )
    return [Listed(activity, my_status=status) for activity, status in rows], next_cursor


def member_activity(user: User, activity_id: int) -> Listed:
    """An activity the member may see (for them, or of their own community), with their sign-up status.

    :raises NotPartyMember: the caller has no approved report.
    :raises ActivityNotFound: no such activity, or another community's not for them.
    """
    report = require_party_member(user)
    row = db.session.execute(
        sa.select(Activity, my_signup_status(user.id)).where(Activity.id == activity_id)
    ).first()
    if row is None or not is_visible(row[0], report):
        raise ActivityNotFound()
    return Listed(row[0], my_status=row[1])


# The check-in's one read (a hot path): the activity, the caller's approved report and active sign-up.
ATTENDANCE_ROW = (
    sa.select(Activity, PartyReport, ActivitySignup)
    .select_from(Activity)
    .outerjoin(
        PartyReport,
        sa.and_(PartyReport.user_id == sa.bindparam("user_id"), PartyReport.status == APPROVED),
    )
    .outerjoin(
        ActivitySignup,
        sa.and_(
            ActivitySignup.activity_id == Activity.id,
            ActivitySignup.user_id == sa.bindparam("user_id"),
            ActivitySignup.status.in_(SIGNUP_ACTIVE),
        ),
    )
    .where(Activity.id == sa.bindparam("activity_id"))
)


def attendance_row(user: User, activity_id: int):
    """(activity, the user's approved report or None, their active sign-up or None), or None when there is
    no such activity; one statement."""
    return db.session.execute(ATTENDANCE_ROW, {"user_id": user.id, "activity_id": activity_id}).first()


def own_active_signup(user: User, activity_id: int, *, lock: bool = False) -> ActivitySignup | None:
    stmt = sa.select(ActivitySignup).where(
        ActivitySignup.activity_id == activity_id,
        ActivitySignup.user_id == user.id,
        ActivitySignup.status.in_(SIGNUP_ACTIVE),
    )
    return db.session.scalar(stmt.with_for_update() if lock else stmt)


def first_waiting(activity_id: int) -> sa.ScalarSelect:
    """SQL: the id of the activity's first waiting sign-up (first come, first promoted)."""
    return (
        sa.select(ActivitySignup.id)
        .where(ActivitySignup.activity_id == activity_id, ActivitySignup.status == WAITING)
        .order_by(ActivitySignup.id)
        .limit(1)
        .scalar_subquery()
    )


def lock_activity(activity_id: int) -> Activity | None:
    """The activity, its row locked until the transaction ends (PostgreSQL; SQLite writes one at a time):
    sign-ups, cancellations and promotions of one activity take turns, so the waitlist is always true."""
    return db.session.scalar(
        sa.select(Activity)
        .where(Activity.id == activity_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# -- staff --------------------------------------------------------------------------------------------


def waiting_count() -> sa.ScalarSelect:
    return (
        sa.select(sa.func.count(ActivitySignup.id))
        .where(ActivitySignup.activity_id == Activity.id, ActivitySignup.status == WAITING)
        .scalar_subquery()
    )


def staff_activities_page(
    staff: StaffAccount, community_id: int | None, cursor: str | None, limit: int
) -> tuple[list[Listed], str | None]:
    """The activities of the staff member's communities (or one of them), latest start first, each with
    its waitlist's length; one statement."""
    staff = permissions.require(staff, MANAGE)
    stmt = sa.select(Activity, waiting_count()).where(scope_filter(staff, Activity.community_id))
    if community_id is not None:
        stmt = stmt.where(Activity.community_id == community_id)
    rows, next_cursor = rows_page(
        stmt,
        [Activity.starts_at, Activity.id],
        cursor,
        limit,
        descending=True,
        key=lambda row: [row[0].starts_at, row[0].id],
    )
    return [Listed(activity, waiting=n) for activity, n in rows], next_cursor


def with_waiting(activity: Activity) -> Listed:
    """The activity as the staff's list shows it: with its waitlist's length."""
    return Listed(
        activity, waiting=db.session.scalar(sa.select(waiting_count()).where(Activity.id == activity.id))
    )


def load_activity(staff: StaffAccount | None, activity_id: int, action: str = MANAGE) -> Activity:
    """An activity of the staff member's communities: 403 without the right, 404 outside the scope."""
    return permissions.load_scoped(Activity, activity_id, staff, action, ActivityNotFound)


def load_signup(staff: StaffAccount | None, signup_id: int) -> ActivitySignup:
    """A sign-up of the staff member's communities, for attendance: 403 / 404 as ``load_activity``."""
    return permissions.load_scoped(ActivitySignup, signup_id, staff, ATTENDANCE, SignupNotFound)


def signups_page(activity: Activity, cursor: str | None, limit: int) -> tuple[list[Listed], str | None]:
    """An activity's sign-ups in the order they came (the waitlist's order), each with the member and the
    minutes credited (None: not confirmed); one statement."""
    stmt = (
        sa.select(ActivitySignup, ServiceHours.minutes)
        .join(ActivitySignup.user)
        .outerjoin(ServiceHours, ServiceHours.signup_id == ActivitySignup.id)
        .where(ActivitySignup.activity_id == activity.id)
        .options(sa.orm.contains_eager(ActivitySignup.user))
    )
    rows, next_cursor = rows_page(
        stmt, [ActivitySignup.id], cursor, limit, descending=False, key=lambda row: [row[0].id]
    )
    return [Listed(signup, minutes=minutes) for signup, minutes in rows], next_cursor


def activity_label(activity: Activity) -> str:
    return f"{activity.title}（{activity.venue}）" if activity.venue else activity.title


register_purpose(
    Purpose(
        VENUE_PURPOSE,
        "党建活动签到",
        load=lambda staff, activity_id: permissions.load_scoped(Activity, activity_id, staff, ATTENDANCE),
        label=activity_label,
    )
)


# -- the console's numbered list ----------------------------------------------------------------------

ACTIVITY_SORTS: dict[str, list] = {"starts": [Activity.starts_at, Activity.id]}


def activities_list(
    staff: StaffAccount,
    *,
    q: str = "",
    community_id: int | None = None,
    upcoming: bool | None = None,
    sort: str = "starts",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 党建活动: activities of the staff member's communities (or one of them; 403 without
    ``party.attendance``) whose title or venue contains ``q``, not over yet (``upcoming``), over, or all;
    by start. Two statements."""
    staff = permissions.require(staff, ATTENDANCE)
    stmt = sa.select(Activity).where(scope_filter(staff, Activity.community_id))
    if q:
        stmt = stmt.where(sa.or_(contains(Activity.title, q), contains(Activity.venue, q)))
    if community_id is not None:
        stmt = stmt.where(Activity.community_id == community_id)
    if upcoming is not None:
        stmt = stmt.where(Activity.ends_at > now() if upcoming else Activity.ends_at <= now())
    return numbered_page(stmt, sort_order(sort, ACTIVITY_SORTS), page, per_page)


def signup_counts(activity_ids: list[int]) -> dict[int, dict[str, int]]:
    """Of each activity: members waiting (``waiting``) and checked in (``checked_in``); one statement."""
    if not activity_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            ActivitySignup.activity_id,
            sa.func.count().filter(ActivitySignup.status == WAITING),
            sa.func.count().filter(ActivitySignup.checked_in_at.is_not(None)),
        )
        .where(ActivitySignup.activity_id.in_(activity_ids))
        .group_by(ActivitySignup.activity_id)
    ).tuples()
    return {activity_id: {"waiting": w, "checked_in": c} for activity_id, w, c in rows}
