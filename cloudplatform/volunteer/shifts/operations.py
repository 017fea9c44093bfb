"""志愿项目与班次: staff run a community's projects (under the community or an organisation serving it) and
publish, change and cancel their shifts; volunteers of the community sign up, cancel, and confirm offers.

Places are kept by the database as in 党建活动: a sign-up takes one by a conditional UPDATE of the
shift's counter (``taken < capacity``), else it waits; one active sign-up per volunteer and shift is the
partial unique index. A place given back is offered to the first waiting volunteer (``offered`` holds
the place), who confirms within ``OFFER_HOURS`` (never after the start) or lets it lapse to the next
(``tasks.lapse_offers``). Every change of one shift's places locks the shift's row first, so that a
freed place is offered exactly once and ``taken`` stays the number of places held.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import local, local_day_bounds, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import Community, StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.notify.operations import notify
from cloudplatform.notify.templates import fit
from cloudplatform.service.demands.operations import serving_organisation
from cloudplatform.transitions import transition, transition_all
from cloudplatform.volunteer.models import (
    CANCELLED,
    CATEGORIES,
    CLOSED,
    HOLDS_PLACE,
    LAPSED,
    OFFER_HOURS,
    OFFERED,
    PUBLISHED,
    SIGNED_UP,
    SUSPENDED,
    WAITING,
    WITHDRAWN,
    Shift,
    ShiftSignup,
    VolunteerProject,
)
from cloudplatform.volunteer.shifts import queries
from cloudplatform.volunteer.shifts.errors import (
    AlreadySignedUpShift,
    CapacityBelowTaken,
    InvalidProjectFields,
    InvalidShiftFields,
    InvalidShiftTime,
    OfferExpired,
    ProjectClosed,
    ShiftCancelled,
    ShiftCancelTooLate,
    ShiftClosed,
    ShiftNotFound,
    ShiftOverlaps,
    ShiftSignupNotFound,
    ShiftStarted,
    SkillsMissing,
)
from cloudplatform.volunteer.volunteers.errors import VolunteerSuspended
from cloudplatform.volunteer.volunteers.operations import clean_skills
from cloudplatform.volunteer.volunteers.queries import MANAGE, require_volunteer

PAGE = "pages/volunteer/shifts"
MAX_CAPACITY = 500
OFFER_NOTE = f"候补递补成功，请在{OFFER_HOURS}小时内确认"
LAPSED_NOTE = "递补名额未按时确认，已顺延"


def shift_message(shift: Shift, note: str) -> dict:
    """The "volunteer_shift" message's values: the project, the shift's start, a note."""
    return {"thing1": shift.project.name, "time2": shift.starts_at, "thing3": note}


def tell(user_ids, shift: Shift, note: str) -> None:
    for user in db.session.scalars(sa.select(User).where(User.id.in_(list(user_ids)))):
        notify(user, "volunteer_shift", shift_message(shift, note), page=PAGE)


# -- staff: projects ------------------------------------------------------------------------------------


def project_fields(community_id: int, fields: dict) -> dict:
    """The fields given, checked: a name, a category of ``CATEGORIES``, an organisation serving the
    community (or none)."""
    cleaned = dict(fields)
    if "name" in fields:
        cleaned["name"] = (fields["name"] or "").strip()
        if not cleaned["name"] or len(cleaned["name"]) > 64:
            raise InvalidProjectFields.for_field("name")
    if "category" in fields and fields["category"] not in CATEGORIES:
        raise InvalidProjectFields.for_field("category")
    if "description" in fields:
        cleaned["description"] = (fields["description"] or "").strip()
    if fields.get("organisation_id") is not None:
        serving_organisation(fields["organisation_id"], community_id)
    unknown = set(fields) - {"name", "category", "description", "organisation_id"}
    if unknown:
        raise InvalidProjectFields.for_field(sorted(unknown)[0])
    return cleaned


@requires(MANAGE)
def create_project(
    staff: StaffAccount,
    community_id: int,
    *,
    name: str,
    category: str,
    description: str = "",
    organisation_id: int | None = None,
) -> VolunteerProject:
    """Open a project in a community the staff member serves.

    :raises CommunityNotFound: the community is outside the staff member's scope.
    :raises InvalidProjectFields: no name, or a category not in ``CATEGORIES``.
    :raises OrganisationNotFound: the organisation does not serve the community.
    """
    if not permissions.in_scope(staff, community_id) or db.session.get(Community, community_id) is None:
        raise CommunityNotFound()
    fields = project_fields(
        community_id,
        {"name": name, "category": category, "description": description, "organisation_id": organisation_id},
    )
    project = VolunteerProject(community_id=community_id, created_by_id=staff.id, **fields)
    db.session.add(project)
    db.session.flush()
    record(
        staff,
        "volunteer_project.create",
        target=project,
        community_id=community_id,
        details={"name": project.name, "category": project.category},
    )
    return project


@requires(MANAGE)
def update_project(staff: StaffAccount, project: VolunteerProject, **fields) -> VolunteerProject:
    """Change an open project's name, category, description or organisation.

    :raises ProjectClosed: the project has ended.
    :raises InvalidProjectFields, OrganisationNotFound: see ``create_project``.
    """
    if project.status == CLOSED:
        raise ProjectClosed()
    changes = {}
    for name, value in project_fields(project.community_id, fields).items():
        old = getattr(project, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(project, name, value)
    db.session.flush()
    record(
        staff, "volunteer_project.update", target=project, community_id=project.community_id, details=changes
    )
    return project


@requires(MANAGE)
def close_project(staff: StaffAccount, project: VolunteerProject) -> VolunteerProject:
    """End a project: it takes no new shifts (the shifts published stand until cancelled one by one).

    :raises ProjectClosed: ended already.
    """
    moved = db.session.execute(
        sa.update(VolunteerProject)
        .where(VolunteerProject.id == project.id, VolunteerProject.status != CLOSED)
        .values(status=CLOSED)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(project)
    if moved != 1:
        raise ProjectClosed()
    record(staff, "volunteer_project.close", target=project, community_id=project.community_id)
    return project


# -- staff: shifts -------------------------------------------------------------------------------------

SHIFT_FIELDS = {
    "starts_at",
    "ends_at",
    "place",
    "capacity",
    "skills",
    "cancel_deadline_hours",
    "check_in_margin_minutes",
}


def check_shift(fields: dict) -> dict:
    """The shift's fields checked (times in UTC): starts in the future and ends after it starts, a place,
    1–500 places, skills a list of short words, deadlines within a day."""
    unknown = set(fields) - SHIFT_FIELDS
    if unknown:
        raise InvalidShiftFields.for_field(sorted(unknown)[0])
    for name in ("starts_at", "ends_at"):
        if not isinstance(fields[name], datetime) or fields[name].tzinfo is None:
            raise InvalidShiftTime.for_field(name)
        fields[name] = fields[name].astimezone(UTC)
    if fields["starts_at"] <= now() or fields["ends_at"] <= fields["starts_at"]:
        raise InvalidShiftTime()
    fields["place"] = (fields.get("place") or "").strip()
    if not fields["place"] or len(fields["place"]) > 128:
        raise InvalidShiftFields.for_field("place")
    capacity = fields.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidShiftFields.for_field("capacity", "名额须在1至500之间")
    fields["skills"] = clean_skills(fields.get("skills"), InvalidShiftFields)
    for name, most in (("cancel_deadline_hours", 72), ("check_in_margin_minutes", 240)):
        value = fields.get(name)
        if value is not None and (not isinstance(value, int) or not 0 <= value <= most):
            raise InvalidShiftFields.for_field(name)
    return fields


@requires(MANAGE)
def create_shift(staff: StaffAccount, project: VolunteerProject, **fields) -> Shift:
    """Publish a shift of an open project (load it with ``queries.load_project``).

    :raises ProjectClosed: the project has ended.
    :raises InvalidShiftTime, InvalidShiftFields: see ``check_shift``.
    """
    if project.status == CLOSED:
        raise ProjectClosed()
    fields = {k: v for k, v in check_shift(dict(fields)).items() if v is not None}
    shift = Shift(project_id=project.id, community_id=project.community_id, created_by_id=staff.id, **fields)
    db.session.add(shift)
    db.session.flush()
    record(
        staff,
        "volunteer_shift.create",
        target=shift,
        community_id=shift.community_id,
        details={
            "project_id": project.id,
            "starts_at": shift.starts_at.isoformat(),
            "capacity": shift.capacity,
        },
    )
    return shift


def lock_changeable(shift: Shift) -> Shift:
    """The shift locked for a change by staff: not cancelled, not started."""
    locked = queries.lock_shift(shift.id)
    assert locked is not None
    if locked.status == CANCELLED:
        raise ShiftCancelled()
    if locked.starts_at <= now():
        raise ShiftStarted()
    return locked


@requires(MANAGE)
def update_shift(staff: StaffAccount, shift: Shift, **fields) -> Shift:
    """Change a shift before it starts; new times are copied into its sign-ups, and more places are
    offered to the waiting volunteers first (told so).

    :raises ShiftCancelled, ShiftStarted: it can no longer change.
    :raises InvalidShiftTime, InvalidShiftFields: see ``check_shift``.
    :raises CapacityBelowTaken: fewer places than volunteers holding one.
    """
    shift = lock_changeable(shift)
    if set(fields) - SHIFT_FIELDS:
        raise InvalidShiftFields.for_field(sorted(set(fields) - SHIFT_FIELDS)[0])
    merged = check_shift({name: fields.get(name, getattr(shift, name)) for name in SHIFT_FIELDS})
    if merged["capacity"] < shift.taken:
        raise CapacityBelowTaken()
    changes = {}
    for name in fields:
        old, value = getattr(shift, name), merged[name]
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(shift, name, value)
    db.session.flush()
    if "starts_at" in changes or "ends_at" in changes:
        db.session.execute(
            sa.update(ShiftSignup)
            .where(ShiftSignup.shift_id == shift.id)
            .values(starts_at=shift.starts_at, ends_at=shift.ends_at)
            .execution_options(synchronize_session=False)
        )
    tell(offer_free_places(shift), shift, OFFER_NOTE)
    db.session.refresh(shift)
    record(staff, "volunteer_shift.update", target=shift, community_id=shift.community_id, details=changes)
    return shift


@requires(MANAGE)
def cancel_shift(staff: StaffAccount, shift: Shift, reason: str = "") -> Shift:
    """Cancel a shift before it starts: every sign-up, offer and waiting place is withdrawn and its
    volunteer told."""
    shift = lock_changeable(shift)
    db.session.execute(
        sa.update(Shift)
        .where(Shift.id == shift.id, Shift.status == PUBLISHED)
        .values(status=CANCELLED, taken=0)
        .execution_options(synchronize_session=False)
    )
    withdrawn = transition_all(
        ShiftSignup,
        WITHDRAWN,
        ShiftSignup.shift_id == shift.id,
        returning=[ShiftSignup.user_id],
        withdrawn_at=now(),
    )
    db.session.refresh(shift)
    tell({user_id for (user_id,) in withdrawn}, shift, fit(f"班次已取消 {reason}".strip()))
    record(
        staff,
        "volunteer_shift.cancel",
        target=shift,
        community_id=shift.community_id,
        details={"reason": reason, "notified": len(withdrawn)},
    )
    return shift


# -- places, offers and the waitlist --------------------------------------------------------------------


def take_place(shift_id: int) -> bool:
    """Take a place of a published shift not started yet, if one is free (the conditional UPDATE)."""
    return (
        db.session.execute(
            sa.update(Shift)
            .where(
                Shift.id == shift_id,
                Shift.status == PUBLISHED,
                Shift.starts_at > now(),
                Shift.taken < Shift.capacity,
            )
            .values(taken=Shift.taken + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def give_back_places(shift_id: int, count: int) -> None:
    """``count`` places held are free again."""
    if count:
        db.session.execute(
            sa.update(Shift)
            .where(Shift.id == shift_id, Shift.taken >= count)
            .values(taken=Shift.taken - count)
            .execution_options(synchronize_session=False)
        )


def offer_free_places(shift: Shift) -> list[int]:
    """Offer the shift's free places to its first waiting volunteers (the shift's row is locked), each
    until ``OFFER_HOURS`` from now but never after the start; returns their user ids."""
    offered: list[int] = []
    until = min(now() + timedelta(hours=OFFER_HOURS), shift.starts_at)
    while True:
        row = db.session.execute(
            sa.update(ShiftSignup.__table__)
            .where(
                ShiftSignup.id == queries.first_waiting(shift.id),
                ShiftSignup.status == WAITING,
                sa.exists().where(
                    Shift.id == shift.id,
                    Shift.status == PUBLISHED,
                    Shift.starts_at > now(),
                    Shift.taken < Shift.capacity,
                ),
            )
            .values(status=OFFERED, offered_until=until)
            .returning(ShiftSignup.user_id)
        ).first()
        if row is None:
            return offered
        db.session.execute(
            sa.update(Shift)
            .where(Shift.id == shift.id)
            .values(taken=Shift.taken + 1)
            .execution_options(synchronize_session=False)
        )
        offered.append(row.user_id)


# -- volunteers -----------------------------------------------------------------------------------------


def sign_up(user: User, shift_id: int) -> ShiftSignup:
    """Take a place on a shift of the volunteer's community, or a place on its waitlist when it is full.

    :raises NotVolunteer: the caller has not registered.
    :raises VolunteerSuspended: staff suspended the volunteer.
    :raises ShiftNotFound: no such shift in the volunteer's community.
    :raises ShiftClosed: cancelled or started.
    :raises SkillsMissing: the volunteer lacks skills the shift needs (``details.missing``).
    :raises AlreadySignedUpShift: the volunteer holds a place, an offer or a waiting place on it already.
    :raises ShiftOverlaps: they hold or await a place on another shift at the same time.
    """
    volunteer = require_volunteer(user, lock=True)  # a volunteer's sign-ups take turns (overlaps)
    if volunteer.status == SUSPENDED:
        raise VolunteerSuspended()
    shift = queries.lock_shift(shift_id)
    if shift is None or shift.community_id != volunteer.community_id:
        raise ShiftNotFound()
    if shift.status != PUBLISHED or shift.starts_at <= now():
        raise ShiftClosed()
    missing = [skill for skill in shift.skills if skill not in volunteer.skills]
    if missing:
        raise SkillsMissing(f"该班次需要技能：{'、'.join(missing)}", details={"missing": missing})
    if queries.own_active_signup(volunteer.id, shift.id) is not None:
        raise AlreadySignedUpShift()
    if queries.overlapping_signup(volunteer.id, shift):
        raise ShiftOverlaps()
    try:
        with db.session.begin_nested():
            signup = ShiftSignup(
                shift_id=shift.id,
                community_id=shift.community_id,
                volunteer_id=volunteer.id,
                user_id=user.id,
                status=SIGNED_UP if take_place(shift.id) else WAITING,
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
            )
            db.session.add(signup)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise AlreadySignedUpShift() from None
    db.session.refresh(shift)
    return signup


def cancel_signup(user: User, shift_id: int) -> ShiftSignup:
    """The volunteer withdraws their place, offer (declining it) or waiting place. A place is given back
    until ``cancel_deadline_hours`` before the start; it is offered to the first waiting volunteer, who is
    told. An offer or a waiting place may be given up until the start.

    :raises NotVolunteer: the caller has not registered.
    :raises ShiftSignupNotFound: the volunteer holds no place, offer or waiting place on the shift.
    :raises ShiftCancelTooLate: a place, after the deadline.
    """
    volunteer = require_volunteer(user)
    shift = queries.lock_shift(shift_id)
    signup = queries.own_active_signup(volunteer.id, shift_id, lock=True) if shift is not None else None
    if shift is None or signup is None:
        raise ShiftSignupNotFound()
    deadline = shift.starts_at - timedelta(hours=shift.cancel_deadline_hours)
    if signup.status == SIGNED_UP and now() > deadline:
        raise ShiftCancelTooLate()
    held_place = signup.status in HOLDS_PLACE
    transition(signup, WITHDRAWN, withdrawn_at=now())  # the sign-up is locked: it moves
    if held_place:
        give_back_places(shift.id, 1)
        tell(offer_free_places(shift), shift, OFFER_NOTE)
    db.session.refresh(shift)
    return signup


def confirm_offer(user: User, shift_id: int) -> ShiftSignup:
    """The volunteer takes the place offered to them, before the offer lapses.

    :raises NotVolunteer: the caller has not registered.
    :raises ShiftSignupNotFound: the volunteer never signed up for the shift.
    :raises OfferExpired: no offer open (it lapsed, its time is up, or none was made).
    """
    volunteer = require_volunteer(user)
    shift = queries.lock_shift(shift_id)
    signup = queries.latest_signup(volunteer.id, shift_id, lock=True) if shift is not None else None
    if shift is None or signup is None:
        raise ShiftSignupNotFound()
    if signup.status != OFFERED or signup.offered_until is None or signup.offered_until <= now():
        raise OfferExpired()
    transition(signup, SIGNED_UP, error=OfferExpired(), where=(ShiftSignup.offered_until > now(),))
    return signup


# -- jobs -------------------------------------------------------------------------------------------------


def lapse_offers() -> dict[str, int]:
    """Every offer not confirmed by its ``offered_until`` lapses (its volunteer told); its place is offered
    to the next waiting volunteer (told) or freed. One shift at a time, its row locked: safe to repeat and
    to run twice at once."""
    current = now()
    shift_ids = db.session.scalars(
        sa.select(ShiftSignup.shift_id)
        .where(ShiftSignup.status == OFFERED, ShiftSignup.offered_until <= current)
        .distinct()
    ).all()
    lapsed = offered = 0
    for shift_id in shift_ids:
        shift = queries.lock_shift(shift_id)
        assert shift is not None
        due = (
            ShiftSignup.shift_id == shift_id,
            ShiftSignup.status == OFFERED,
            ShiftSignup.offered_until <= current,
        )
        lapsing = db.session.scalars(sa.select(ShiftSignup.user_id).where(*due)).all()  # the shift is locked
        moved = transition_all(ShiftSignup, LAPSED, *due)
        if not moved:  # another run lapsed them first
            continue
        give_back_places(shift_id, moved)
        tell(lapsing, shift, LAPSED_NOTE)
        promoted = offer_free_places(shift)
        tell(promoted, shift, OFFER_NOTE)
        lapsed, offered = lapsed + moved, offered + len(promoted)
    return {"lapsed": lapsed, "offered": offered}


def remind_tomorrows_shifts() -> int:
    """Remind each volunteer signed up for a shift starting tomorrow (Beijing day), once (``reminded_at``;
    sign-ups another run holds are skipped)."""
    tomorrow = local(now()).date() + timedelta(days=1)
    start, end = local_day_bounds(tomorrow)
    due = db.session.scalars(
        sa.select(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(
            ShiftSignup.status == SIGNED_UP,
            Shift.status == PUBLISHED,
            ShiftSignup.starts_at >= start,
            ShiftSignup.starts_at < end,
            ShiftSignup.reminded_at.is_(None),
        )
        .options(sa.orm.selectinload(ShiftSignup.shift).selectinload(Shift.project))
        .with_for_update(skip_locked=True, of=ShiftSignup)
    ).all()
    users = {
        u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_([s.user_id for s in due])))
    }
    for signup in due:
        note = fit(f"明天{local(signup.starts_at):%H:%M}在{signup.shift.place}服务，请准时到场")
        notify(users[signup.user_id], "volunteer_shift", shift_message(signup.shift, note), page=PAGE)
        signup.reminded_at = now()
    return len(due)
