"""志愿服务考勤与时长: volunteers check in and out with the shift's venue code (or the organiser scans
their personal code), staff confirm and correct the hours, volunteers dispute them once.

Each step that must happen once is one conditional UPDATE: a check-in sets ``checked_in_at`` only where
it is NULL, a confirmation sets ``confirmed_at`` only where it is NULL (the loser of two concurrent
confirmations changes nothing and answers 409), a decision moves a dispute only while it is open. The
winner of a confirmation adds the minutes to ``Volunteer.confirmed_minutes`` and appends the points in
the same transaction.
"""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from cloudplatform.audit.operations import record
from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.notify.operations import notify
from cloudplatform.notify.templates import fit
from cloudplatform.orm import flush_unique
from cloudplatform.venue import verify_venue_code
from cloudplatform.volunteer.attendance import queries
from cloudplatform.volunteer.attendance.errors import (
    AlreadyCheckedIn,
    AlreadyCheckedOut,
    AlreadyDisputed,
    AttendanceConfirmed,
    CheckInClosed,
    CheckOutClosed,
    DisputeDecided,
    DisputeNotFound,
    DisputeWindowClosed,
    HoursNotConfirmed,
    InvalidMinutes,
    NotAttended,
    NotCheckedIn,
    NotSignedUp,
    ReasonRequired,
    ShiftCancelled,
    ShiftNotFound,
    ShiftNotStarted,
    SignupNotFound,
    StillServing,
    VolunteerNotFound,
)
from cloudplatform.volunteer.attendance.queries import (
    ATTENDANCE,
    CARD_PURPOSE,
    DISPUTES,
    VENUE_PURPOSE,
    shift_minutes,
)
from cloudplatform.volunteer.models import (
    CANCELLED,
    DISMISSED,
    DISPUTE_OPEN,
    SIGNED_UP,
    UPHELD,
    HoursDispute,
    PointEntry,
    Shift,
    ShiftSignup,
    Volunteer,
    VolunteerProject,
)
from cloudplatform.volunteer.points.operations import award_for_signup, correct_award
from cloudplatform.volunteer.ranking.operations import credit_minutes

PAGE = "pages/volunteer/hours"
HALF_HOUR = 30  # confirmed time is whole half hours, rounded down
DISPUTE_DAYS = 30  # a volunteer disputes confirmed hours within this long


def duration(minutes: int) -> str:
    """Minutes as the message shows them: "1小时30分"."""
    return f"{minutes // 60}小时{minutes % 60}分"


def tell(user: User, project: VolunteerProject, minutes: int, note: str) -> None:
    """Queue the "volunteer_hours" message: the project, the minutes, a note on the points."""
    notify(
        user,
        "volunteer_hours",
        {"thing1": fit(project.name), "thing2": duration(minutes), "thing3": fit(note)},
        page=PAGE,
    )


def points_note(entry: PointEntry | None) -> str:
    return f"获得{entry.amount}积分" if entry is not None else "本次无积分"


def mark(signup: ShiftSignup, column: str, error: Exception, *where, **also) -> None:
    """Set the sign-up's ``column`` to now (and ``also``) in one conditional UPDATE (no reload)."""
    current = now()
    moved = db.session.execute(
        sa.update(ShiftSignup)
        .where(ShiftSignup.id == signup.id, *where)
        .values({column: current, **also})
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise error
    set_committed_value(signup, column, current)
    for name, value in also.items():
        set_committed_value(signup, name, value)


def margin(shift: Shift) -> timedelta:
    return timedelta(minutes=shift.check_in_margin_minutes)


def check_in_open(shift: Shift) -> bool:
    """From ``check_in_margin_minutes`` before the start until the end."""
    return shift.starts_at - margin(shift) <= now() <= shift.ends_at


def check_out_open(shift: Shift) -> bool:
    """From ``check_in_margin_minutes`` before the start until as long after the end."""
    return shift.starts_at - margin(shift) <= now() <= shift.ends_at + margin(shift)


def mark_in(shift: Shift, signup: ShiftSignup, **also) -> None:
    if signup.checked_in_at is not None:
        raise AlreadyCheckedIn()
    if not check_in_open(shift):
        raise CheckInClosed()
    where = (ShiftSignup.status == SIGNED_UP, ShiftSignup.checked_in_at.is_(None))
    mark(signup, "checked_in_at", AlreadyCheckedIn(), *where, **also)


def mark_out(shift: Shift, signup: ShiftSignup, **also) -> None:
    if signup.checked_in_at is None:
        raise NotCheckedIn()
    if signup.checked_out_at is not None:
        raise AlreadyCheckedOut()
    if not check_out_open(shift):
        raise CheckOutClosed()
    where = (ShiftSignup.checked_in_at.is_not(None), ShiftSignup.checked_out_at.is_(None))
    mark(signup, "checked_out_at", AlreadyCheckedOut(), *where, **also)


# -- volunteers: the venue code ------------------------------------------------------------------------


def attendance(user: User, code: str) -> tuple[Shift, ShiftSignup]:
    """The shift a scanned code names with the caller's sign-up holding a place on it (one statement).

    :raises VenueCodeInvalid, VenueCodeExpired: not a current code of a shift's screen.
    :raises ShiftNotFound, ShiftCancelled, NotSignedUp
    """
    shift_id = verify_venue_code(code, VENUE_PURPOSE)
    row = queries.attendance_row(user.id, shift_id)
    if row is None:
        raise ShiftNotFound()
    shift, signup = row
    if shift.status == CANCELLED:
        raise ShiftCancelled()
    if signup is None:
        raise NotSignedUp()
    set_committed_value(signup, "shift", shift)
    return shift, signup


def check_in(user: User, code: str) -> ShiftSignup:
    """The volunteer scans the shift's venue code: from ``check_in_margin_minutes`` before the start until
    the end, once.

    :raises VenueCodeInvalid, VenueCodeExpired, ShiftNotFound, ShiftCancelled, NotSignedUp: see
        ``attendance``.
    :raises AlreadyCheckedIn, CheckInClosed
    """
    shift, signup = attendance(user, code)
    mark_in(shift, signup)
    return signup


def check_out(user: User, code: str) -> ShiftSignup:
    """The volunteer scans the venue code again as they leave: after their check-in, until
    ``check_in_margin_minutes`` after the end, once.

    :raises VenueCodeInvalid, VenueCodeExpired, ShiftNotFound, ShiftCancelled, NotSignedUp: see
        ``attendance``.
    :raises NotCheckedIn, AlreadyCheckedOut, CheckOutClosed
    """
    shift, signup = attendance(user, code)
    mark_out(shift, signup)
    return signup


# -- staff: scanning a volunteer's personal code -----------------------------------------------------------


@requires(ATTENDANCE)
def scan_volunteer(staff: StaffAccount, shift_id: int, code: str) -> ShiftSignup:
    """The organiser scans a volunteer's rotating personal code at the shift: checks them in, or out when
    they are in already (the same windows as the venue code), recording who scanned.

    :raises ShiftNotFound: no such shift in the staff member's scope.
    :raises VenueCodeInvalid, VenueCodeExpired: not a current volunteer code.
    :raises VolunteerNotFound, ShiftCancelled, NotSignedUp
    :raises CheckInClosed, CheckOutClosed, AlreadyCheckedIn, AlreadyCheckedOut
    """
    shift = queries.load_shift(staff, shift_id)
    volunteer = db.session.get(Volunteer, verify_venue_code(code, CARD_PURPOSE))
    if volunteer is None:
        raise VolunteerNotFound()
    if shift.status == CANCELLED:
        raise ShiftCancelled()
    signup = queries.signed_up(shift.id, volunteer.id)
    if signup is None:
        raise NotSignedUp()
    direction = "in" if signup.checked_in_at is None else "out"
    if direction == "in":
        mark_in(shift, signup, scanned_by_id=staff.id)
    else:
        mark_out(shift, signup, scanned_by_id=staff.id)
    record(
        staff,
        "shift_signup.scan",
        target=signup,
        community_id=signup.community_id,
        details={"shift_id": shift.id, "volunteer_id": volunteer.id, "direction": direction},
    )
    return signup


# -- staff: confirming and correcting hours --------------------------------------------------------------


def attended_minutes(shift: Shift, signup: ShiftSignup) -> int:
    """The time attended within the shift — from the check-in (at the earliest the start) until the
    check-out (at the latest the end; the end when there was none) — rounded down to whole half hours."""
    assert signup.checked_in_at is not None
    start = max(signup.checked_in_at, shift.starts_at)
    end = min(signup.checked_out_at or shift.ends_at, shift.ends_at)
    minutes = max(0, int((end - start).total_seconds() // 60))
    return minutes // HALF_HOUR * HALF_HOUR


def confirmable(shift: Shift) -> None:
    if shift.status == CANCELLED:
        raise ShiftCancelled()
    if now() < shift.starts_at:
        raise ShiftNotStarted()


def _confirm(staff: StaffAccount, signup: ShiftSignup, shift: Shift, user: User) -> int:
    """Credit one checked-in sign-up: the conditional UPDATE (``confirmed_at IS NULL``), then the
    volunteer's total, the points and the message; returns the minutes.

    :raises AttendanceConfirmed: confirmed meanwhile (nothing changed).
    """
    minutes, current = attended_minutes(shift, signup), now()
    moved = db.session.execute(
        sa.update(ShiftSignup)
        .where(
            ShiftSignup.id == signup.id,
            ShiftSignup.status == SIGNED_UP,
            ShiftSignup.checked_in_at.is_not(None),
            ShiftSignup.confirmed_at.is_(None),
        )
        .values(minutes=minutes, confirmed_at=current, confirmed_by_id=staff.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise AttendanceConfirmed()
    for name, value in (("minutes", minutes), ("confirmed_at", current), ("confirmed_by_id", staff.id)):
        set_committed_value(signup, name, value)
    credit_minutes(signup.volunteer_id, minutes, local(signup.starts_at).date())
    entry = award_for_signup(signup, shift.project.category)
    tell(user, shift.project, minutes, points_note(entry))
    return minutes


@requires(ATTENDANCE)
def confirm_attendance(staff: StaffAccount, signup: ShiftSignup) -> ShiftSignup:
    """Confirm a checked-in volunteer's hours once the shift has started: the attended minutes are
    credited to the sign-up and the volunteer's total, the points awarded, the volunteer told.

    :raises SignupNotFound: the sign-up is outside the staff member's scope.
    :raises ShiftCancelled, ShiftNotStarted
    :raises NotAttended: the volunteer did not check in.
    :raises AttendanceConfirmed: confirmed already (also when two organisers confirm at once).
    :raises StillServing: not checked out, and the shift is not over.
    """
    if not permissions.in_scope(staff, signup.community_id):
        raise SignupNotFound()
    shift = signup.shift
    confirmable(shift)
    if signup.checked_in_at is None or signup.status != SIGNED_UP:
        raise NotAttended()
    if signup.confirmed_at is not None:
        raise AttendanceConfirmed()
    if signup.checked_out_at is None and now() < shift.ends_at:
        raise StillServing()
    user = db.session.get(User, signup.user_id)
    assert user is not None
    minutes = _confirm(staff, signup, shift, user)
    record(
        staff,
        "shift_signup.confirm",
        target=signup,
        community_id=signup.community_id,
        details={"shift_id": shift.id, "volunteer_id": signup.volunteer_id, "minutes": minutes},
    )
    return signup


@requires(ATTENDANCE)
def confirm_all(staff: StaffAccount, shift: Shift) -> int:
    """Confirm every checked-in sign-up of the shift not confirmed yet (while the shift is on, those who
    checked out); returns how many. Safe beside single confirmations: one confirmed meanwhile is skipped.

    :raises ShiftNotFound: the shift is outside the staff member's scope.
    :raises ShiftCancelled, ShiftNotStarted
    """
    if not permissions.in_scope(staff, shift.community_id):
        raise ShiftNotFound()
    confirmable(shift)
    rows = db.session.execute(
        sa.select(ShiftSignup, User)
        .join(User, User.id == ShiftSignup.user_id)
        .where(
            ShiftSignup.shift_id == shift.id,
            ShiftSignup.status == SIGNED_UP,
            ShiftSignup.checked_in_at.is_not(None),
            ShiftSignup.confirmed_at.is_(None),
            *([ShiftSignup.checked_out_at.is_not(None)] if now() < shift.ends_at else []),
        )
        .order_by(ShiftSignup.id)
    ).all()
    confirmed, minutes = 0, 0
    for signup, user in rows:
        try:
            minutes += _confirm(staff, signup, shift, user)
        except AttendanceConfirmed:  # by another organiser a moment ago
            continue
        confirmed += 1
    record(
        staff,
        "shift_signup.confirm_all",
        target=shift,
        community_id=shift.community_id,
        details={"confirmed": confirmed, "minutes": minutes},
    )
    return confirmed


def lock_signup(signup_id: int) -> ShiftSignup:
    locked = db.session.scalar(
        sa.select(ShiftSignup)
        .where(ShiftSignup.id == signup_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    return locked


@requires(ATTENDANCE)
def correct_hours(staff: StaffAccount, signup: ShiftSignup, minutes: int, reason: str) -> ShiftSignup:
    """Correct a confirmed sign-up's minutes with a reason: the volunteer's total moves by the
    difference and the points by an adjust row (audited with both values).

    :raises SignupNotFound: the sign-up is outside the staff member's scope.
    :raises ReasonRequired: no reason.
    :raises HoursNotConfirmed: the hours are not confirmed yet.
    :raises InvalidMinutes: not from 0 to the shift's length.
    """
    if not permissions.in_scope(staff, signup.community_id):
        raise SignupNotFound()
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    signup = lock_signup(signup.id)  # corrections of one sign-up take turns
    if signup.confirmed_at is None or signup.minutes is None:
        raise HoursNotConfirmed()
    shift = signup.shift
    if not 0 <= minutes <= shift_minutes(shift):
        raise InvalidMinutes()
    before = signup.minutes
    signup.minutes = minutes
    db.session.flush()
    credit_minutes(signup.volunteer_id, minutes - before, local(signup.starts_at).date())
    correct_award(staff, signup, shift.project.category, reason)
    record(
        staff,
        "shift_signup.correct",
        target=signup,
        community_id=signup.community_id,
        details={"before": before, "after": minutes, "reason": reason},
    )
    return signup


# -- disputes ------------------------------------------------------------------------------------------------


def dispute_hours(
    user: User, signup_id: int, reason: str, claimed_minutes: int | None = None
) -> HoursDispute:
    """The volunteer objects to the minutes confirmed for their sign-up, once, within 30 days of the
    confirmation, optionally saying how long they served.

    :raises SignupNotFound: not the caller's sign-up.
    :raises ReasonRequired: no reason.
    :raises HoursNotConfirmed: the hours are not confirmed.
    :raises DisputeWindowClosed: confirmed more than 30 days ago.
    :raises InvalidMinutes: claimed minutes not from 0 to the shift's length.
    :raises AlreadyDisputed: disputed already (also twice at once).
    """
    signup = queries.own_signup(user, signup_id)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    if signup.confirmed_at is None or signup.minutes is None:
        raise HoursNotConfirmed()
    if now() > signup.confirmed_at + timedelta(days=DISPUTE_DAYS):
        raise DisputeWindowClosed()
    if claimed_minutes is not None and not 0 <= claimed_minutes <= shift_minutes(signup.shift):
        raise InvalidMinutes()
    dispute = HoursDispute(
        signup_id=signup.id,
        community_id=signup.community_id,
        user_id=user.id,
        reason=reason,
        claimed_minutes=claimed_minutes,
        status=DISPUTE_OPEN,
        minutes_before=signup.minutes,
    )
    db.session.add(dispute)
    flush_unique(db.session, AlreadyDisputed())
    return dispute


@requires(DISPUTES)
def decide_dispute(
    staff: StaffAccount, dispute: HoursDispute, uphold: bool, note: str, minutes: int | None = None
) -> HoursDispute:
    """Decide an open dispute: upheld, the minutes are corrected (to ``minutes``, else those claimed)
    with the note as the reason; dismissed, they stand. The volunteer is told.

    :raises DisputeNotFound: the dispute is outside the staff member's scope.
    :raises ReasonRequired: no note.
    :raises InvalidMinutes: upheld without minutes (none given or claimed) or beyond the shift's length.
    :raises DisputeDecided: decided already (also when two staff decide at once).
    """
    if not permissions.in_scope(staff, dispute.community_id):
        raise DisputeNotFound()
    note = (note or "").strip()
    if not note:
        raise ReasonRequired()
    signup = dispute.signup
    shift = signup.shift
    if uphold:
        minutes = minutes if minutes is not None else dispute.claimed_minutes
        if minutes is None or not 0 <= minutes <= shift_minutes(shift):
            raise InvalidMinutes()
    else:
        minutes = signup.minutes
    current = now()
    moved = db.session.execute(
        sa.update(HoursDispute)
        .where(HoursDispute.id == dispute.id, HoursDispute.status == DISPUTE_OPEN)
        .values(
            status=UPHELD if uphold else DISMISSED,
            minutes_after=minutes,
            decided_by_id=staff.id,
            decided_at=current,
            decision_note=note,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise DisputeDecided()
    db.session.refresh(dispute)
    assert minutes is not None
    if uphold:
        correct_hours(staff, signup, minutes, note)
        told = "申诉已采纳，服务时长已更正"
    else:
        told = f"申诉未采纳：{note}"
    user = db.session.get(User, signup.user_id)
    assert user is not None
    tell(user, shift.project, minutes, told)
    record(
        staff,
        "hours_dispute.decide",
        target=dispute,
        community_id=dispute.community_id,
        details={
            "signup_id": signup.id,
            "uphold": uphold,
            "minutes_before": dispute.minutes_before,
            "minutes_after": minutes,
            "note": note,
        },
    )
    return dispute
