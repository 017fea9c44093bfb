"""预约事项: staff set up services (rules, hours, closures) whose slots the database fills; residents book,
cancel and are checked in; staff approve; no-shows suspend booking until staff lift it.

Capacity is kept by the database: booking is one conditional UPDATE of the slot's counter
(``booked < capacity``) that also checks every other rule; the per-resident limit is counted under a
lock on the resident's row. A refused UPDATE is then explained by a second look, never the other way
round (no check-then-insert). A booking's status moves only along ``Booking.TRANSITIONS``.
"""

import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.audit.operations import record
from cloudplatform.clock import local, local_day_bounds, now
from cloudplatform.errors import AppError, Conflict
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import RESIDENT, Membership, StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.notify.operations import notify
from cloudplatform.notify.templates import THING_MAX, fit
from cloudplatform.orm import insert_for
from cloudplatform.service.bookings import queries
from cloudplatform.service.bookings.errors import (
    AlreadyBooked,
    AlreadyLifted,
    BookableNotFound,
    BookingLimit,
    BookingNotActive,
    BookingNotFound,
    BookingRefused,  # noqa: F401  (the refusals' base, where callers have always found it)
    BookingSuspended,
    CancelTooLate,
    ClosureInPast,
    InvalidHours,
    NoBookingToCheckIn,
    NotCheckable,
    NotCheckInTime,
    NotPending,
    OwnBookingCheckIn,
    SlotClosed,
    SlotFull,
    SlotNotFound,
    TooEarly,
    TooLate,
)
from cloudplatform.service.bookings.models import (
    ACTIVE,
    CANCELLED,
    CHECKED_IN,
    CONFIRMED,
    NO_SHOW,
    PENDING_APPROVAL,
    REJECTED,
    Bookable,
    Booking,
    BookingSuspension,
    Closure,
    OpeningHours,
    Slot,
)
from cloudplatform.service.bookings.queries import VENUE_PURPOSE, active_bookings_of, active_suspension
from cloudplatform.transitions import transition, transition_all
from cloudplatform.venue import verify_venue_code

MANAGE = "booking.manage"
CHECKIN = "booking.checkin"
CHECK_IN_EARLY = timedelta(minutes=30)  # staff may check a resident in this long before the start
SLOT_INSERT_CHUNK = 1000  # rows per INSERT when making slots
PAGE = "pages/services/bookings"


# -- services, hours, closures and slots ------------------------------------------------------------


@requires(MANAGE)
def create_bookable(staff: StaffAccount, community_id: int, **fields) -> Bookable:
    """Create a bookable service in a community the staff member manages."""
    if not permissions.in_scope(staff, community_id):
        raise CommunityNotFound()
    bookable = Bookable(community_id=community_id, **fields)
    db.session.add(bookable)
    db.session.flush()
    record(
        staff, "bookable.create", target=bookable, community_id=community_id, details={"name": bookable.name}
    )
    return bookable


@requires(MANAGE)
def update_bookable(staff: StaffAccount, bookable: Bookable, **fields) -> Bookable:
    """Change a service's rules; future slots follow (a capacity never drops below places taken).

    A new slot length or booking window remakes the future slots nobody has booked; booked ones stay.
    """
    for name, value in fields.items():
        setattr(bookable, name, value)
    if {"slot_minutes", "max_advance_days"} & fields.keys():
        db.session.execute(
            sa.delete(Slot).where(Slot.bookable_id == bookable.id, Slot.starts_at > now(), Slot.booked == 0)
        )
        generate_slots(bookable)
    for slot in db.session.scalars(
        sa.select(Slot).where(Slot.bookable_id == bookable.id, Slot.starts_at > now())
    ):
        slot.book_from, slot.book_until = booking_window(bookable, slot.starts_at)
        slot.capacity = max(bookable.capacity, slot.booked)
    record(
        staff,
        "bookable.update",
        target=bookable,
        community_id=bookable.community_id,
        details={k: str(v) for k, v in fields.items()},
    )
    return bookable


@requires(MANAGE)
def set_opening_hours(staff: StaffAccount, bookable: Bookable, periods: list[tuple[int, int, int]]) -> None:
    """Replace the weekly hours with ``(weekday, opens_minute, closes_minute)`` periods; future free
    slots outside them go, and new ones are made for the booking window."""
    for weekday, opens, closes in periods:
        if not (0 <= weekday <= 6 and 0 <= opens < closes <= 1440):
            raise InvalidHours()
    db.session.execute(sa.delete(OpeningHours).where(OpeningHours.bookable_id == bookable.id))
    db.session.add_all(
        OpeningHours(bookable_id=bookable.id, weekday=w, opens_minute=o, closes_minute=c)
        for w, o, c in periods
    )
    db.session.flush()
    db.session.execute(
        sa.delete(Slot).where(Slot.bookable_id == bookable.id, Slot.starts_at > now(), Slot.booked == 0)
    )
    generate_slots(bookable)
    record(
        staff,
        "bookable.hours",
        target=bookable,
        community_id=bookable.community_id,
        details={"periods": [list(p) for p in periods]},
    )


@requires(MANAGE)
def add_closure(staff: StaffAccount, bookable: Bookable, day: date, reason: str) -> int:
    """Close the service for a day: its slots close, and their bookings are cancelled and the residents
    told. Returns how many bookings were cancelled (the Closure row keeps the count)."""
    if day < local(now()).date():
        raise ClosureInPast()
    db.session.execute(
        insert_for(db.session, Closure)
        .values(bookable_id=bookable.id, day=day, reason=reason)
        .on_conflict_do_nothing(index_elements=["bookable_id", "day"])
    )
    start, end = local_day_bounds(day)
    slot_ids = sa.select(Slot.id).where(
        Slot.bookable_id == bookable.id, Slot.starts_at >= start, Slot.starts_at < end
    )
    db.session.execute(sa.update(Slot).where(Slot.id.in_(slot_ids)).values(closed=True, booked=0))
    cancelled = [
        user_id
        for (user_id,) in transition_all(
            Booking, CANCELLED, Booking.slot_id.in_(slot_ids), returning=[Booking.user_id], cancelled_at=now()
        )
    ]
    if cancelled:  # the closure keeps the count (closing the same day again adds to it)
        db.session.execute(
            sa.update(Closure)
            .where(Closure.bookable_id == bookable.id, Closure.day == day)
            .values(cancelled_bookings=Closure.cancelled_bookings + len(cancelled))
        )
    for user in db.session.scalars(sa.select(User).where(User.id.in_(cancelled))):
        notify(
            user,
            "booking_reminder",
            booking_message(bookable.name, day, closure_note(reason)),
            page=PAGE,
        )
    record(
        staff,
        "bookable.closure",
        target=bookable,
        community_id=bookable.community_id,
        details={"day": day.isoformat(), "reason": reason, "cancelled": len(cancelled)},
    )
    return len(cancelled)


def generate_slots(bookable: Bookable, first_day: date | None = None) -> int:
    """Make the slots of the booking window from the opening hours (skipping closures); safe to repeat."""
    current = now()
    first_day = first_day or local(current).date()
    closures = set(db.session.scalars(sa.select(Closure.day).where(Closure.bookable_id == bookable.id)))
    hours = db.session.scalars(sa.select(OpeningHours).where(OpeningHours.bookable_id == bookable.id)).all()
    step = timedelta(minutes=bookable.slot_minutes)
    rows = []
    for offset in range(bookable.max_advance_days + 1):
        day = first_day + timedelta(days=offset)
        if day in closures:
            continue
        midnight = local_day_bounds(day)[0]
        for period in hours:
            if period.weekday != day.weekday():
                continue
            start, closes = (
                midnight + timedelta(minutes=period.opens_minute),
                midnight + timedelta(minutes=period.closes_minute),
            )
            while start + step <= closes:
                if start < current:  # today's hours already gone
                    start += step
                    continue
                book_from, book_until = booking_window(bookable, start)
                rows.append(
                    {
                        "bookable_id": bookable.id,
                        "community_id": bookable.community_id,
                        "starts_at": start,
                        "ends_at": start + step,
                        "capacity": bookable.capacity,
                        "book_from": book_from,
                        "book_until": book_until,
                    }
                )
                start += step
    made = 0
    for chunk in range(0, len(rows), SLOT_INSERT_CHUNK):  # PostgreSQL takes at most 65,535 parameters
        made += db.session.execute(
            insert_for(db.session, Slot)
            .values(rows[chunk : chunk + SLOT_INSERT_CHUNK])
            .on_conflict_do_nothing(index_elements=["bookable_id", "starts_at"])
            .execution_options(preserve_rowcount=True)
        ).rowcount
    return made


def fill_booking_windows() -> int:
    """Keep every active service's booking window filled with slots; returns how many were made."""
    return sum(generate_slots(b) for b in db.session.scalars(sa.select(Bookable).where(Bookable.active)))


def booking_window(bookable: Bookable, starts_at: datetime) -> tuple[datetime, datetime]:
    """When a slot starting at ``starts_at`` may be booked: (book_from, book_until)."""
    return (
        starts_at - timedelta(days=bookable.max_advance_days),
        starts_at - timedelta(hours=bookable.min_notice_hours),
    )


def booking_message(name: str, when: datetime | date, note: str) -> dict:
    """The "booking_reminder" message's values: the service, when (a slot's start, or a day), a note."""
    return {"thing1": name, "date2": when, "thing3": note}


def closure_note(reason: str) -> str:
    """因<reason>暂停服务，预约已取消, the reason cut so that the whole fits a message's 20 characters."""
    frame = "因{}暂停服务，预约已取消"
    return frame.format(fit(reason or "故", THING_MAX - len(frame) + 2))


# -- the booking lifecycle --------------------------------------------------------------------------


def take_place_statement() -> sa.Update:
    """Take a place in slot ``:slot_id`` for ``:user_id`` at ``:at`` if every rule allows it; returns
    what the booking needs. Built once (booking is the hottest write): executed with bound values."""
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    at = sa.bindparam("at", type_=Slot.book_from.type)
    return (
        sa.update(Slot.__table__)  # Core: bound values are not rows of an ORM bulk UPDATE
        .where(
            Slot.id == sa.bindparam("slot_id"),
            Slot.booked < Slot.capacity,
            Slot.closed.is_(False),
            Slot.book_from <= at,
            Slot.book_until >= at,
            sa.exists().where(Bookable.id == Slot.bookable_id, Bookable.active),
            sa.exists().where(
                Membership.user_id == user_id,
                Membership.community_id == Slot.community_id,
                Membership.role == RESIDENT,
            ),
            ~active_suspension(user_id, Slot.community_id, at),
            ~sa.exists().where(
                Booking.slot_id == Slot.id, Booking.user_id == user_id, Booking.status.in_(ACTIVE)
            ),
            active_bookings_of(user_id, Slot.bookable_id, at)
            < sa.select(Bookable.max_active_per_user)
            .where(Bookable.id == Slot.bookable_id)
            .scalar_subquery(),
        )
        .values(booked=Slot.booked + 1)
        .returning(
            Slot.bookable_id,
            Slot.community_id,
            Slot.starts_at,
            Slot.ends_at,
            *service_columns(Bookable.name, Bookable.location, Bookable.cancel_cutoff_hours),
        )
    )


def add_booking_statement() -> sa.Insert:
    """Insert the booking of a taken place (pending approval where the service asks for it)."""
    status = sa.case((Bookable.requires_approval, PENDING_APPROVAL), else_=CONFIRMED)
    return (
        sa.insert(Booking.__table__)  # Core: bound values are not rows of an ORM bulk INSERT
        .from_select(
            ["community_id", "bookable_id", "slot_id", "user_id", "status", "qr_token", "created_at"],
            sa.select(
                sa.bindparam("community_id", type_=sa.Integer),
                sa.bindparam("bookable_id", type_=sa.Integer),
                sa.bindparam("slot_id", type_=sa.Integer),
                sa.bindparam("user_id", type_=sa.Integer),
                status,
                sa.bindparam("qr_token", type_=sa.String),
                sa.bindparam("at", type_=Booking.created_at.type),
            ).where(Bookable.id == sa.bindparam("bookable_id", type_=sa.Integer)),
        )
        .returning(Booking.id, Booking.status, Booking.qr_token)
    )


def book_slot(user: User, slot_id: int) -> Booking:
    """Take a place in a slot for a resident of its community: one conditional UPDATE holds every rule.

    :raises BookingRefused: SlotFull, SlotClosed, TooLate, TooEarly, BookingLimit, AlreadyBooked
    :raises BookingSuspended: too many no-shows lately
    :raises SlotNotFound: the slot is not one of the user's communities'
    """
    # Core statements on the session's connection: the ORM would copy each (annotated) at every
    # execution and work out its cache key again; nothing of the ORM is pending here to flush first.
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # one booking at a time per resident, so that the per-resident count below is never overtaken
        connection.execute(LOCK_USER, {"user_id": user.id})
    current = now()
    taken = connection.execute(TAKE_PLACE, {"slot_id": slot_id, "user_id": user.id, "at": current}).first()
    if taken is None:
        raise refusal_reason(user, slot_id, current)
    booking_id, booking_status, qr_token = connection.execute(
        ADD_BOOKING,
        {
            "community_id": taken.community_id,
            "bookable_id": taken.bookable_id,
            "slot_id": slot_id,
            "user_id": user.id,
            "qr_token": secrets.token_urlsafe(24),
            "at": current,
        },
    ).one()
    return Booking(
        id=booking_id,
        status=booking_status,
        qr_token=qr_token,
        slot_id=slot_id,
        user_id=user.id,
        bookable_id=taken.bookable_id,
        community_id=taken.community_id,
        created_at=current,
        slot=Slot(id=slot_id, starts_at=taken.starts_at, ends_at=taken.ends_at),
        bookable=Bookable(
            id=taken.bookable_id,
            name=taken.name,
            location=taken.location,
            cancel_cutoff_hours=taken.cancel_cutoff_hours,
        ),
    )


def service_columns(*columns: sa.Column) -> list:
    """The slot's service's ``columns`` as scalar subqueries, for the booking UPDATE's RETURNING."""
    return [
        sa.select(column).where(Bookable.id == Slot.bookable_id).scalar_subquery().label(column.key)
        for column in columns
    ]


TAKE_PLACE, ADD_BOOKING = take_place_statement(), add_booking_statement()
LOCK_USER = (
    sa.select(User.__table__.c.id).where(User.__table__.c.id == sa.bindparam("user_id")).with_for_update()
)


def refusal_reason(user: User, slot_id: int, current: datetime) -> AppError:
    """Why the booking UPDATE took no place (looked up afterwards, on the refusal path only)."""
    slot = db.session.scalar(sa.select(Slot).where(Slot.id == slot_id))
    roles = permissions.member_roles(user, slot.community_id) if slot is not None else set()
    if slot is None or RESIDENT not in roles or not slot.bookable.active:
        return SlotNotFound()
    if db.session.scalar(sa.select(active_suspension(user.id, slot.community_id))):
        return BookingSuspended()
    if slot.closed:
        return SlotClosed()
    if current > slot.book_until:
        return TooLate()
    if current < slot.book_from:
        return TooEarly()
    mine = sa.exists().where(
        Booking.slot_id == slot.id, Booking.user_id == user.id, Booking.status.in_(ACTIVE)
    )
    if db.session.scalar(sa.select(mine)):
        return AlreadyBooked()
    if (
        db.session.scalar(sa.select(active_bookings_of(user.id, slot.bookable_id)))
        >= slot.bookable.max_active_per_user
    ):
        return BookingLimit()
    return SlotFull()


def release_place(booking: Booking, status: str, error: Conflict, **values) -> None:
    """Move an active booking to ``status`` and give its place back.

    :raises Conflict: ``error``, when it was no longer in a state that may become ``status``.
    """
    transition(booking, status, error=error, **values)
    db.session.execute(
        sa.update(Slot).where(Slot.id == booking.slot_id, Slot.booked > 0).values(booked=Slot.booked - 1)
    )


def cancel_booking(user: User, booking: Booking) -> Booking:
    """The resident cancels their own booking, until the service's cut-off before the start."""
    if booking.user_id != user.id:
        raise BookingNotFound()
    cutoff = booking.slot.starts_at - timedelta(hours=booking.bookable.cancel_cutoff_hours)
    if now() > cutoff:
        raise CancelTooLate()
    release_place(booking, CANCELLED, BookingNotActive(), cancelled_at=now())
    return booking


@requires(MANAGE)
def decide_booking(staff: StaffAccount, booking: Booking, approve: bool) -> Booking:
    """Approve or reject a booking that waits for staff approval (rejection frees the place)."""
    not_pending = NotPending()
    if booking.status != PENDING_APPROVAL:
        raise not_pending
    if approve:
        transition(booking, CONFIRMED, error=not_pending)
    else:
        release_place(booking, REJECTED, not_pending)
    record(staff, f"booking.{booking.status}", target=booking, community_id=booking.community_id)
    notify(
        booking.user,
        "booking_reminder",
        booking_message(
            booking.bookable.name, booking.slot.starts_at, "预约已通过" if approve else "预约未通过"
        ),
        page=PAGE,
    )
    return booking


@requires(CHECKIN)
def check_in(staff: StaffAccount, booking: Booking) -> Booking:
    """Staff scan the resident's booking QR (核销): from half an hour before the start until the end.

    :raises OwnBookingCheckIn: the booking is the staff member's own (their linked mini-program user's).
    """
    if staff.user_id is not None and staff.user_id == booking.user_id:
        raise OwnBookingCheckIn()
    return mark_checked_in(staff, booking, staff_id=staff.id)


def check_in_at_venue(user: User, code: str) -> Booking:
    """The resident scans the service's venue code at the counter: their booking open for check-in now
    (from half an hour before its start until its end) is checked in.

    :raises VenueCodeInvalid, VenueCodeExpired: not a current code of a service's venue screen.
    :raises NoBookingToCheckIn: no confirmed booking of theirs for that service open now.
    """
    bookable_id = verify_venue_code(code, VENUE_PURPOSE)
    booking = queries.booking_open_for_check_in(user, bookable_id, CHECK_IN_EARLY)
    if booking is None:
        raise NoBookingToCheckIn()
    return mark_checked_in(user, booking, staff_id=None)


def mark_checked_in(actor: StaffAccount | User, booking: Booking, *, staff_id: int | None) -> Booking:
    current = now()
    if not booking.slot.starts_at - CHECK_IN_EARLY <= current <= booking.slot.ends_at:
        raise NotCheckInTime()
    transition(
        booking,
        CHECKED_IN,
        error=NotCheckable(),
        checked_in_at=current,
        checked_in_by_id=staff_id,
    )
    record(actor, "booking.check_in", target=booking, community_id=booking.community_id)
    return booking


@requires(MANAGE)
def lift_suspension(staff: StaffAccount, suspension: BookingSuspension) -> None:
    """Let a suspended resident book again before the suspension ends."""
    if suspension.lifted_at is not None:
        raise AlreadyLifted()
    suspension.lifted_at, suspension.lifted_by_id = now(), staff.id
    record(staff, "booking.suspension_lift", target=suspension, community_id=suspension.community_id)


# -- jobs' work -------------------------------------------------------------------------------------


def remind_tomorrows_bookings() -> int:
    """Remind residents the day before (local time) of each confirmed booking, once."""
    tomorrow = local(now()).date() + timedelta(days=1)
    start, end = local_day_bounds(tomorrow)
    due = db.session.scalars(
        sa.select(Booking)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(
            Booking.status == CONFIRMED,
            Booking.reminded_at.is_(None),
            Slot.starts_at >= start,
            Slot.starts_at < end,
        )
        .with_for_update(skip_locked=True, of=Booking)
    ).all()
    for booking in due:
        booking.reminded_at = now()
        notify(
            booking.user,
            "booking_reminder",
            booking_message(booking.bookable.name, booking.slot.starts_at, "请按时到场办理"),
            page=PAGE,
        )
    return len(due)


def record_no_shows() -> dict[str, int]:
    """After a slot ends, its unchecked bookings are no-shows; too many within the window suspend booking."""
    cfg = current_app.config
    ended = sa.select(Slot.id).where(Slot.ends_at <= now())
    missed = transition_all(
        Booking, NO_SHOW, Booking.slot_id.in_(ended), returning=[Booking.user_id, Booking.community_id]
    )
    suspended = 0
    since = now() - timedelta(days=cfg["BOOKING_NO_SHOW_WINDOW_DAYS"])
    for user_id, community_id in set(missed):
        count = db.session.scalar(
            sa.select(sa.func.count(Booking.id))
            .join(Slot, Slot.id == Booking.slot_id)
            .where(
                Booking.user_id == user_id,
                Booking.community_id == community_id,
                Booking.status == NO_SHOW,
                Slot.ends_at >= since,
            )
        )
        if count >= cfg["BOOKING_NO_SHOW_LIMIT"] and not db.session.scalar(
            sa.select(active_suspension(user_id, community_id))
        ):
            db.session.add(
                BookingSuspension(
                    user_id=user_id,
                    community_id=community_id,
                    no_shows=count,
                    ends_at=now() + timedelta(days=cfg["BOOKING_SUSPENSION_DAYS"]),
                )
            )
            suspended += 1
    return {"no_shows": len(missed), "suspended": suspended}


@requires(CHECKIN)
def export_day_bookings(staff: StaffAccount, bookable: Bookable, day: date, fmt: str) -> list[Booking]:
    """A service's bookings of one local day to take away (the day view's list); audited."""
    if not permissions.in_scope(staff, bookable.community_id):
        raise BookableNotFound()
    bookings = queries.day_bookings(bookable, day)
    details = {"format": fmt, "day": day.isoformat(), "rows": len(bookings)}
    record(staff, "export.day_bookings", target=bookable, community_id=bookable.community_id, details=details)
    return bookings
