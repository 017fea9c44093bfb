"""党建活动: staff publish, change and cancel activities and confirm attendance (service hours); members
sign up, cancel, and check in and out at the venue with its rotating code.

Places are kept by the database: a sign-up takes one by a conditional UPDATE of the activity's counter
(``signed_up < capacity``), else it waits; one active sign-up per member is the partial unique index.
Sign-ups, cancellations and promotions of one activity lock its row first, so that a place given back
always goes to the first waiting member — exactly one — and the counter stays the number of places held.
"""

from datetime import UTC, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from cloudplatform.audit.operations import record
from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import Community, StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.notify.operations import notify
from cloudplatform.notify.templates import fit
from cloudplatform.orm import flush_unique, insert_for
from cloudplatform.pagination import Listed
from cloudplatform.party.activities import queries
from cloudplatform.party.activities.queries import ATTENDANCE, MANAGE, VENUE_PURPOSE
from cloudplatform.party.errors import (
    ActivityCancelled,
    ActivityClosed,
    ActivityNotFound,
    ActivityStarted,
    AlreadyCheckedIn,
    AlreadySignedUp,
    AttendanceConfirmed,
    CancelTooLate,
    CapacityBelowSignedUp,
    CheckOutNotNeeded,
    HoursNotConfirmed,
    InvalidActivityTime,
    NotAttended,
    NotCheckedIn,
    NotCheckInTime,
    NotInAudience,
    NotPartyMember,
    NotSignedUp,
    ReasonRequired,
    SignupNotFound,
    UnitNotFound,
)
from cloudplatform.party.models import (
    ACTIVITY_SOURCE,
    APPROVED,
    CANCELLED,
    COMMUNITY_MEMBERS,
    PUBLISHED,
    SIGNED_UP,
    UNIT_MEMBERS,
    WAITING,
    WALK_IN,
    WITHDRAWN,
    Activity,
    ActivitySignup,
    PartyReport,
    PartyUnit,
    PartyUnitCommunity,
    ServiceHours,
)
from cloudplatform.party.queries import approved_report, require_party_member
from cloudplatform.transitions import transition, transition_all
from cloudplatform.venue import verify_venue_code

PAGE = "pages/party/activities"


def activity_message(activity: Activity, note: str) -> dict:
    """The "party_activity" message's values: the activity, its start, a note."""
    return {"thing1": activity.title, "time2": activity.starts_at, "thing3": note}


def tell(user_ids, activity: Activity, note: str) -> None:
    for user in db.session.scalars(sa.select(User).where(User.id.in_(list(user_ids)))):
        notify(user, "party_activity", activity_message(activity, note), page=PAGE)


# -- staff: the activity --------------------------------------------------------------------------


def check_fields(community_id: int, fields: dict) -> None:
    """The times run forwards (kept in UTC); an activity for one unit's members names a unit open to its
    community."""
    for name in ("starts_at", "ends_at"):
        fields[name] = fields[name].astimezone(UTC)
    if fields["starts_at"] >= fields["ends_at"]:
        raise InvalidActivityTime()
    if fields["audience"] != UNIT_MEMBERS:
        fields["unit_id"] = None
        return
    open_to_community = db.session.scalar(
        sa.select(PartyUnit.id)
        .join(PartyUnitCommunity, PartyUnitCommunity.unit_id == PartyUnit.id)
        .where(
            PartyUnit.id == fields.get("unit_id"),
            PartyUnit.active,
            PartyUnitCommunity.community_id == community_id,
        )
    )
    if open_to_community is None:
        raise UnitNotFound()


@requires(MANAGE)
def create_activity(staff: StaffAccount, community_id: int, **fields) -> Activity:
    """Publish an activity in a community the staff member serves.

    :raises CommunityNotFound: the community is outside the staff member's scope.
    :raises InvalidActivityTime, UnitNotFound: see ``check_fields``.
    """
    if not permissions.in_scope(staff, community_id) or db.session.get(Community, community_id) is None:
        raise CommunityNotFound()
    fields.setdefault("audience", COMMUNITY_MEMBERS)
    check_fields(community_id, fields)
    activity = Activity(community_id=community_id, created_by_id=staff.id, **fields)
    db.session.add(activity)
    db.session.flush()
    record(
        staff,
        "party_activity.create",
        target=activity,
        community_id=community_id,
        details={"title": activity.title, "starts_at": activity.starts_at.isoformat()},
    )
    return activity


def lock_changeable(activity: Activity) -> Activity:
    """The activity locked for a change by staff: not cancelled, not started."""
    locked = queries.lock_activity(activity.id)
    assert locked is not None
    if locked.status == CANCELLED:
        raise ActivityCancelled()
    if locked.starts_at <= now():
        raise ActivityStarted()
    return locked


@requires(MANAGE)
def update_activity(staff: StaffAccount, activity: Activity, **fields) -> Activity:
    """Change an activity before it starts; more places go to the waiting members first (told so).

    :raises ActivityCancelled, ActivityStarted: it can no longer change.
    :raises CapacityBelowSignedUp: fewer places than members holding one.
    """
    activity = lock_changeable(activity)
    merged = {
        name: fields.get(name, getattr(activity, name))
        for name in ("starts_at", "ends_at", "audience", "unit_id")
    }
    check_fields(activity.community_id, merged)
    fields.update((k, merged[k]) for k in ("starts_at", "ends_at") if k in fields)  # in UTC
    fields["unit_id"] = merged["unit_id"]  # none unless the activity is for one unit's members
    if fields.get("capacity", activity.capacity) < activity.signed_up:
        raise CapacityBelowSignedUp()
    changes = {}
    for name, value in fields.items():
        old = getattr(activity, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(activity, name, value)
    db.session.flush()
    promoted = fill_free_places(activity.id)
    tell(promoted, activity, "活动增加名额，您已从候补转为报名成功")
    db.session.refresh(activity)
    record(
        staff, "party_activity.update", target=activity, community_id=activity.community_id, details=changes
    )
    return activity


@requires(MANAGE)
def cancel_activity(staff: StaffAccount, activity: Activity, reason: str = "") -> Activity:
    """Cancel an activity before it starts: every sign-up and waiting place is withdrawn and its member
    told."""
    activity = lock_changeable(activity)
    current = now()
    db.session.execute(
        sa.update(Activity)
        .where(Activity.id == activity.id, Activity.status == PUBLISHED)
        .values(status=CANCELLED, signed_up=0)
        .execution_options(synchronize_session=False)
    )
    withdrawn = transition_all(
        ActivitySignup,
        WITHDRAWN,
        ActivitySignup.activity_id == activity.id,
        returning=[ActivitySignup.user_id],
        withdrawn_at=current,
    )
    db.session.refresh(activity)
    tell({user_id for (user_id,) in withdrawn}, activity, fit(f"活动已取消 {reason}".strip()))
    record(
        staff,
        "party_activity.cancel",
        target=activity,
        community_id=activity.community_id,
        details={"reason": reason, "notified": len(withdrawn)},
    )
    return activity


# -- members: places and the waitlist ----------------------------------------------------------------


def take_place(activity_id: int) -> bool:
    """Take a place of a published activity not started yet, if one is free (the conditional UPDATE)."""
    return (
        db.session.execute(
            sa.update(Activity)
            .where(
                Activity.id == activity_id,
                Activity.status == PUBLISHED,
                Activity.starts_at > now(),
                Activity.signed_up < Activity.capacity,
            )
            .values(signed_up=Activity.signed_up + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def fill_free_places(activity_id: int) -> list[int]:
    """Give the activity's free places to its first waiting members (the activity's row is locked);
    returns the promoted members' user ids."""
    promoted: list[int] = []
    while True:
        row = db.session.execute(
            sa.update(ActivitySignup.__table__)
            .where(
                ActivitySignup.id == queries.first_waiting(activity_id),
                ActivitySignup.status == WAITING,
                sa.exists().where(
                    Activity.id == activity_id,
                    Activity.status == PUBLISHED,
                    Activity.signed_up < Activity.capacity,
                ),
            )
            .values(status=SIGNED_UP)
            .returning(ActivitySignup.user_id)
        ).first()
        if row is None:
            return promoted
        db.session.execute(
            sa.update(Activity)
            .where(Activity.id == activity_id)
            .values(signed_up=Activity.signed_up + 1)
            .execution_options(synchronize_session=False)
        )
        promoted.append(row.user_id)


def sign_up(user: User, activity_id: int) -> Listed:
    """Take a place at an activity for its audience, or a place on its waitlist when it is full.

    :raises NotPartyMember: no approved report.
    :raises ActivityNotFound: not an activity the member may see.
    :raises NotInAudience: an activity of their community for another unit's members.
    :raises ActivityClosed: cancelled or started.
    :raises AlreadySignedUp: the member holds a place or a waiting place already.
    """
    report = require_party_member(user)
    activity = queries.lock_activity(activity_id)
    if activity is None or not queries.is_visible(activity, report):
        raise ActivityNotFound()
    if not queries.is_in_audience(activity, report):
        raise NotInAudience()
    if activity.status != PUBLISHED or activity.starts_at <= now():
        raise ActivityClosed()
    try:
        with db.session.begin_nested():
            status = SIGNED_UP if take_place(activity.id) else WAITING
            signup = ActivitySignup(
                activity_id=activity.id, community_id=activity.community_id, user_id=user.id, status=status
            )
            db.session.add(signup)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise AlreadySignedUp() from None
    db.session.refresh(activity)
    return Listed(activity, my_status=status)


def cancel_signup(user: User, activity_id: int) -> Listed:
    """The member withdraws their place (or waiting place) until the activity's deadline; a place given
    back goes to the first waiting member, who is told.

    :raises SignupNotFound: the member holds no place or waiting place at the activity.
    :raises CancelTooLate: the deadline (``cancel_deadline_hours`` before the start) has passed.
    """
    activity = queries.lock_activity(activity_id)
    signup = queries.own_active_signup(user, activity_id, lock=True) if activity is not None else None
    if activity is None or signup is None or signup.status == WALK_IN:
        raise SignupNotFound()
    if now() > activity.starts_at - timedelta(hours=activity.cancel_deadline_hours):
        raise CancelTooLate()
    held_place = signup.status == SIGNED_UP
    transition(signup, WITHDRAWN, withdrawn_at=now())  # the sign-up is locked: it moves
    if held_place:
        db.session.execute(
            sa.update(Activity)
            .where(Activity.id == activity.id, Activity.signed_up > 0)
            .values(signed_up=Activity.signed_up - 1)
            .execution_options(synchronize_session=False)
        )
        tell(fill_free_places(activity.id), activity, "候补成功，您已获得活动名额")
    db.session.refresh(activity)
    return Listed(activity, my_status=None)


# -- members: the venue code -------------------------------------------------------------------------


def attendance(user: User, code: str):
    """The activity a scanned code names, with the caller's report and active sign-up (one statement)."""
    activity_id = verify_venue_code(code, VENUE_PURPOSE)
    row = queries.attendance_row(user, activity_id)
    if row is None:
        raise ActivityNotFound()
    activity, report, signup = row
    if report is None:
        raise NotPartyMember()
    if not queries.is_visible(activity, report):
        raise ActivityNotFound()
    if activity.status == CANCELLED:
        raise ActivityCancelled()
    return activity, report, signup


def mark(signup: ActivitySignup, column: str, error: Exception, *where) -> None:
    """Set the sign-up's ``column`` to now in one conditional UPDATE (no reload: a hot path)."""
    current = now()
    moved = db.session.execute(
        sa.update(ActivitySignup)
        .where(ActivitySignup.id == signup.id, *where)
        .values({column: current})
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise error
    set_committed_value(signup, column, current)


def check_in(user: User, code: str) -> ActivitySignup:
    """The member scans the activity's venue code: from ``check_in_margin_minutes`` before the start until
    the end, once; a member without a place checks in as a walk-in where the activity allows it.

    :raises VenueCodeInvalid, VenueCodeExpired: not a current code of an activity's screen.
    :raises NotPartyMember, ActivityNotFound, ActivityCancelled: see ``attendance``.
    :raises NotCheckInTime, AlreadyCheckedIn, NotSignedUp
    """
    activity, _report, signup = attendance(user, code)
    current = now()
    if (
        not activity.starts_at - timedelta(minutes=activity.check_in_margin_minutes)
        <= current
        <= activity.ends_at
    ):
        raise NotCheckInTime()
    if signup is not None and signup.checked_in_at is not None:
        raise AlreadyCheckedIn()
    if signup is not None and signup.status == SIGNED_UP:
        mark(
            signup,
            "checked_in_at",
            AlreadyCheckedIn(),
            ActivitySignup.status == SIGNED_UP,
            ActivitySignup.checked_in_at.is_(None),
        )
        set_committed_value(signup, "activity", activity)
        return signup
    if not activity.walk_ins:
        raise NotSignedUp()
    if signup is not None:  # waiting: the place on the waitlist gives way to the walk-in
        transition_all(ActivitySignup, WITHDRAWN, ActivitySignup.id == signup.id, withdrawn_at=current)
    walk_in = ActivitySignup(
        activity_id=activity.id,
        community_id=activity.community_id,
        user_id=user.id,
        status=WALK_IN,
        checked_in_at=current,
        created_at=current,
    )
    db.session.add(walk_in)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same member's walk-in a moment ago (the request rolls back)
        raise AlreadyCheckedIn() from None
    set_committed_value(walk_in, "activity", activity)
    return walk_in


def check_out(user: User, code: str) -> ActivitySignup:
    """The member scans the venue code again as they leave, where the activity counts actual time: from
    the check-in until ``check_in_margin_minutes`` after the end, once.

    :raises CheckOutNotNeeded: the activity credits its planned time.
    :raises NotCheckInTime, NotCheckedIn
    """
    activity, _report, signup = attendance(user, code)
    if not activity.counts_actual_time:
        raise CheckOutNotNeeded()
    margin = timedelta(minutes=activity.check_in_margin_minutes)
    if not activity.starts_at - margin <= now() <= activity.ends_at + margin:
        raise NotCheckInTime()
    if signup is None or signup.checked_in_at is None or signup.checked_out_at is not None:
        raise NotCheckedIn()
    mark(
        signup,
        "checked_out_at",
        NotCheckedIn(),
        ActivitySignup.checked_in_at.is_not(None),
        ActivitySignup.checked_out_at.is_(None),
    )
    set_committed_value(signup, "activity", activity)
    return signup


# -- staff: attendance and hours ----------------------------------------------------------------------


def credited_minutes(activity: Activity, signup: ActivitySignup) -> int:
    """The planned length, or — where the activity counts actual time — from the check-in (at the
    earliest the start) until the check-out (at the latest the end; the end when there was none)."""
    if not activity.counts_actual_time or signup.checked_in_at is None:
        return int((activity.ends_at - activity.starts_at).total_seconds() // 60)
    start = max(signup.checked_in_at, activity.starts_at)
    end = min(signup.checked_out_at or activity.ends_at, activity.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


@requires(ATTENDANCE)
def confirm_attendance(staff: StaffAccount, signup: ActivitySignup) -> Listed:
    """Credit a checked-in member's service hours, once (the unique sign-up of ServiceHours).

    :raises NotAttended: the member did not check in.
    :raises ActivityCancelled: the activity was cancelled.
    :raises AttendanceConfirmed: confirmed already (also when two staff confirm at once).
    """
    if signup.checked_in_at is None:
        raise NotAttended()
    activity = signup.activity
    if activity.status == CANCELLED:
        raise ActivityCancelled()
    report = approved_report(signup.user_id)
    hours = ServiceHours(
        user_id=signup.user_id,
        community_id=signup.community_id,
        unit_id=report.unit_id if report is not None else None,
        source=ACTIVITY_SOURCE,
        signup_id=signup.id,
        served_on=local(activity.starts_at).date(),
        minutes=credited_minutes(activity, signup),
        confirmed_by_id=staff.id,
    )
    db.session.add(hours)
    flush_unique(db.session, AttendanceConfirmed())
    record(
        staff,
        "party_activity.confirm",
        target=signup,
        community_id=signup.community_id,
        details={"activity_id": activity.id, "user_id": signup.user_id, "minutes": hours.minutes},
    )
    return Listed(signup, minutes=hours.minutes)


@requires(ATTENDANCE)
def confirm_all_attendance(staff: StaffAccount, activity: Activity) -> int:
    """Credit every checked-in member of the activity whose hours are not credited yet (a whole 主题党日
    at once); returns how many were credited. Safe to repeat, and beside single confirmations: the
    unique sign-up of ServiceHours skips those credited meanwhile.

    :raises ActivityCancelled: the activity was cancelled.
    """
    if activity.status == CANCELLED:
        raise ActivityCancelled()
    credited = sa.select(ServiceHours.signup_id).where(ServiceHours.signup_id == ActivitySignup.id)
    rows = db.session.execute(
        sa.select(ActivitySignup, PartyReport.unit_id)
        .outerjoin(
            PartyReport, (PartyReport.user_id == ActivitySignup.user_id) & (PartyReport.status == APPROVED)
        )
        .where(
            ActivitySignup.activity_id == activity.id,
            ActivitySignup.checked_in_at.is_not(None),
            ~sa.exists(credited),
        )
    ).all()
    values = [
        {
            "user_id": signup.user_id,
            "community_id": signup.community_id,
            "unit_id": unit_id,
            "source": ACTIVITY_SOURCE,
            "signup_id": signup.id,
            "served_on": local(activity.starts_at).date(),
            "minutes": credited_minutes(activity, signup),
            "note": "",
            "confirmed_by_id": staff.id,
            "created_at": now(),
        }
        for signup, unit_id in rows
    ]
    made = 0
    if values:
        made = db.session.execute(
            insert_for(db.session, ServiceHours)
            .values(values)
            .on_conflict_do_nothing(index_elements=["signup_id"])
            .execution_options(preserve_rowcount=True)
        ).rowcount
    record(
        staff,
        "party_activity.confirm_all",
        target=activity,
        community_id=activity.community_id,
        details={"credited": made},
    )
    return made


@requires(ATTENDANCE)
def correct_hours(staff: StaffAccount, signup: ActivitySignup, minutes: int, reason: str) -> Listed:
    """Correct the minutes credited for an attendance, with a reason (audited with both values).

    :raises ReasonRequired: no reason.
    :raises HoursNotConfirmed: the attendance has no hours yet.
    """
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    hours = db.session.scalar(
        sa.select(ServiceHours).where(ServiceHours.signup_id == signup.id).with_for_update()
    )
    if hours is None:
        raise HoursNotConfirmed()
    old = hours.minutes
    hours.minutes, hours.note, hours.confirmed_by_id = minutes, reason, staff.id
    record(
        staff,
        "party_activity.correct_hours",
        target=signup,
        community_id=signup.community_id,
        details={"old_minutes": old, "new_minutes": minutes, "reason": reason},
    )
    return Listed(signup, minutes=minutes)
