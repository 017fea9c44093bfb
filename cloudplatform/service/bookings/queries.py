"""Reads of 预约事项 both front ends share: services, slots, bookings, and the scoped loaders; the console's
numbered lists (``bookables_list``, ``suspensions_list``)."""

from datetime import date, timedelta

import sqlalchemy as sa

from cloudplatform.clock import local, local_day_bounds, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import (
    Community,
    Membership,
    StaffAccount,
    User,
)
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.identity.queries import users_named
from cloudplatform.pagination import (
    CONSOLE_PAGE_SIZE,
    Keyset,
    NumberedPage,
    contains,
    keyset_page,
    numbered_page,
    sort_order,
)
from cloudplatform.service.bookings.errors import BookableNotFound, BookingNotFound
from cloudplatform.service.bookings.models import (
    ACTIVE,
    CHECKED_IN,
    CONFIRMED,
    Bookable,
    Booking,
    BookingSuspension,
    Closure,
    Slot,
)
from cloudplatform.venue import Purpose, register_purpose

MY_HISTORY = 50  # past bookings a resident sees
VENUE_PURPOSE = "booking"  # the venue code of a service's counter: residents scan it to check in


def active_suspension(user_id, community_id, at=None) -> sa.Exists:
    """SQL: the user's booking is suspended in the community at ``at`` (now by default). Each argument
    may be a value or an SQL expression (a column, a bound parameter)."""
    return sa.exists().where(
        BookingSuspension.user_id == user_id,
        BookingSuspension.community_id == community_id,
        BookingSuspension.lifted_at.is_(None),
        BookingSuspension.ends_at > (now() if at is None else at),
    )


def active_bookings_of(user_id, bookable_id, at=None):
    """How many upcoming places (ending after ``at``, now by default) the user holds for a service."""
    booked_slot = sa.orm.aliased(Slot)
    return (
        sa.select(sa.func.count(Booking.id))
        .join(booked_slot, booked_slot.id == Booking.slot_id)
        .where(
            Booking.user_id == user_id,
            Booking.bookable_id == bookable_id,
            Booking.status.in_(ACTIVE),
            booked_slot.ends_at > (now() if at is None else at),
        )
        .scalar_subquery()
    )


def community_bookables_page(community_id: int, cursor: str | None, limit: int):
    """The active services of a community with their opening hours, by id (the caller checked
    membership): (page, next cursor)."""
    stmt = (
        sa.select(Bookable)
        .where(Bookable.community_id == community_id, Bookable.active)
        .options(sa.orm.selectinload(Bookable.hours))
    )
    return keyset_page(stmt, [Bookable.id], cursor, limit, descending=False)


def day_slots(bookable: Bookable, day: date) -> sa.Select:
    start, end = local_day_bounds(day)
    return sa.select(Slot).where(
        Slot.bookable_id == bookable.id, Slot.starts_at >= start, Slot.starts_at < end
    )


# The slot list of the mini-program (a hot read): statements built once, run with bound values.
MEMBER_BOOKABLE_CLAUSES = (  # service :bookable_id, active, of one of :user_id's communities
    Bookable.id == sa.bindparam("bookable_id"),
    Bookable.active,
    sa.exists().where(
        Membership.user_id == sa.bindparam("user_id"), Membership.community_id == Bookable.community_id
    ),
)
MEMBER_BOOKABLE = sa.select(Bookable).where(*MEMBER_BOOKABLE_CLAUSES)
SLOT_COLUMNS = [  # what the list shows of a slot (SlotSchema)
    *(Slot.id, Slot.starts_at, Slot.ends_at, Slot.capacity, Slot.booked, Slot.closed),
    *(Slot.book_from, Slot.book_until),
]
MEMBER_DAY_SLOTS = Keyset(  # a day's slots of such a service, as rows
    sa.select(*SLOT_COLUMNS)
    .join(Bookable, Bookable.id == Slot.bookable_id)
    .where(
        *MEMBER_BOOKABLE_CLAUSES,
        Slot.bookable_id == sa.bindparam("bookable_id"),
        Slot.starts_at >= sa.bindparam("start"),
        Slot.starts_at < sa.bindparam("end"),
    ),
    [Slot.starts_at, Slot.id],
    descending=False,
)


# -- the console's lists: numbered pages with a total, searched, filtered and sorted ----------------

SUSPENSION_STATES = ("active", "lifted", "expired")  # 生效中, 已解除, 已到期


def bookables_list(
    staff: StaffAccount,
    *,
    q: str = "",
    community_id: int | None = None,
    requires_approval: bool | None = None,
    active: bool | None = None,
    sort: str = "name",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 预约事项: the services of the staff member's communities whose name contains ``q``,
    filtered and sorted (``name`` / ``-name``, ``created`` / ``-created``), with their community; two
    statements (the total and the page)."""
    stmt = (
        sa.select(Bookable)
        .join(Bookable.community)
        .where(scope_filter(staff, Bookable.community_id))
        .options(sa.orm.contains_eager(Bookable.community))
    )
    if q:
        stmt = stmt.where(contains(Bookable.name, q))
    if community_id is not None:
        stmt = stmt.where(Bookable.community_id == community_id)
    if requires_approval is not None:
        stmt = stmt.where(Bookable.requires_approval == requires_approval)
    if active is not None:
        stmt = stmt.where(Bookable.active == active)
    keys: dict[str, list] = {"name": [Bookable.name, Bookable.id], "created": [Bookable.id]}
    return numbered_page(stmt, sort_order(sort, keys), page, per_page)


def bookables_in_scope(staff: StaffAccount, limit: int) -> list[Bookable]:
    """The services of the staff member's communities by community and name, with their community."""
    return list(
        db.session.scalars(
            sa.select(Bookable)
            .join(Bookable.community)
            .where(scope_filter(staff, Bookable.community_id))
            .options(sa.orm.contains_eager(Bookable.community))
            .order_by(Community.name, Bookable.name, Bookable.id)
            .limit(limit)
        )
    )


def upcoming_slot_count(bookable: Bookable) -> int:
    """How many of the service's slots have not started yet."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Slot.id)).where(Slot.bookable_id == bookable.id, Slot.starts_at > now())
        )
        or 0
    )


def closures_from(bookable: Bookable, first_day: date) -> list[Closure]:
    """The service's closures from ``first_day`` on, by day (each with the bookings it cancelled)."""
    return list(
        db.session.scalars(
            sa.select(Closure)
            .where(Closure.bookable_id == bookable.id, Closure.day >= first_day)
            .order_by(Closure.day)
        )
    )


def slots_of_day(bookable: Bookable, day: date) -> list[Slot]:
    """A local day's slots of a service, in start order."""
    return list(db.session.scalars(day_slots(bookable, day).order_by(Slot.starts_at)))


def member_slots_of_day_page(user: User, bookable_id: int, day: date, cursor: str | None, limit: int):
    """A local day's slots (rows of ``SLOT_COLUMNS``), in start order, of a service of one of the user's
    communities: (page, next cursor), in one statement. An empty page takes a second, to tell a day
    without slots from a service the user may not see (404).

    :raises BookableNotFound: not such a service.
    """
    start, end = local_day_bounds(day)
    params = {"bookable_id": bookable_id, "user_id": user.id, "start": start, "end": end}
    slots, next_cursor = MEMBER_DAY_SLOTS.page(cursor, limit, params)
    if not slots:
        load_member_bookable(user, bookable_id)
    return slots, next_cursor


def with_service(stmt: sa.Select) -> sa.Select:
    """Bookings joined to their slot and service, loaded with them (the list's one statement)."""
    return (
        stmt.join(Slot, Slot.id == Booking.slot_id)
        .join(Bookable, Bookable.id == Booking.bookable_id)
        .options(sa.orm.contains_eager(Booking.slot), sa.orm.contains_eager(Booking.bookable))
    )


def booking_key(booking: Booking) -> list:
    """A booking's values of the lists' order: (its slot's start, its id)."""
    return [booking.slot.starts_at, booking.id]


def day_bookings_statement(bookable: Bookable, day: date) -> sa.Select:
    """A local day's bookings of a service with their slots, services and residents, in start order."""
    start, end = local_day_bounds(day)
    return (
        with_service(sa.select(Booking))
        .where(Booking.bookable_id == bookable.id, Slot.starts_at >= start, Slot.starts_at < end)
        .options(sa.orm.joinedload(Booking.user))
    )


def day_bookings(bookable: Bookable, day: date, *, status: str | None = None, q: str = "") -> list[Booking]:
    """The whole day's bookings (the console's day view), in one statement; ``status`` keeps one status,
    ``q`` the residents whose name contains it (``users_named``)."""
    stmt = day_bookings_statement(bookable, day)
    if status:
        stmt = stmt.where(Booking.status == status)
    if q:
        stmt = stmt.where(Booking.user_id.in_(users_named(q)))
    return list(db.session.scalars(stmt.order_by(Slot.starts_at, Booking.id)))


def day_status_counts(bookable: Bookable, day: date) -> dict[str, int]:
    """How many of the day's bookings of a service are in each status (absent: none), in one statement."""
    start, end = local_day_bounds(day)
    rows = db.session.execute(
        sa.select(Booking.status, sa.func.count(Booking.id))
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.bookable_id == bookable.id, Slot.starts_at >= start, Slot.starts_at < end)
        .group_by(Booking.status)
    ).tuples()
    return {status: n for status, n in rows}


def day_bookings_page(bookable: Bookable, day: date, cursor: str | None, limit: int):
    """The day's bookings a page at a time (the mini-program's counter list): (page, next cursor)."""
    return keyset_page(
        day_bookings_statement(bookable, day),
        [Slot.starts_at, Booking.id],
        cursor,
        limit,
        descending=False,
        values_of=booking_key,
    )


def my_bookings_page(user: User, upcoming: bool, cursor: str | None, limit: int):
    """The user's active bookings not yet over, soonest first; or (``upcoming`` false) all of them,
    newest first; with their slots and services, in one statement: (page, next cursor)."""
    stmt = with_service(sa.select(Booking)).where(Booking.user_id == user.id)
    if upcoming:
        stmt = stmt.where(Booking.status.in_(ACTIVE), Slot.ends_at > now())
    return keyset_page(
        stmt, [Slot.starts_at, Booking.id], cursor, limit, descending=not upcoming, values_of=booking_key
    )


def load_member_bookable(user: User, bookable_id: int) -> Bookable:
    """A service of one of the user's communities, in one statement; anything else is 404."""
    bookable = db.session.scalar(MEMBER_BOOKABLE, {"bookable_id": bookable_id, "user_id": user.id})
    if bookable is None:
        raise BookableNotFound()
    return bookable


def load_own_booking(user: User, booking_id: int) -> Booking:
    """One of the user's own bookings, with its slot and service; anyone else's is 404."""
    booking = db.session.get(
        Booking, booking_id, options=[sa.orm.joinedload(Booking.slot), sa.orm.joinedload(Booking.bookable)]
    )
    if booking is None or booking.user_id != user.id:
        raise BookingNotFound()
    return booking


def load_booking_by_qr(staff: StaffAccount | None, qr_token: str) -> Booking:
    """The booking a resident's QR names, for checking in: 403 without the right, 404 outside the scope."""
    staff = permissions.require(staff, "booking.checkin")
    booking = db.session.scalar(sa.select(Booking).where(Booking.qr_token == qr_token))
    if booking is None or not permissions.in_scope(staff, booking.community_id):
        raise BookingNotFound()
    return booking


def booking_open_for_check_in(user: User, bookable_id: int, early: timedelta) -> Booking | None:
    """The user's confirmed booking of the service whose slot is open for check-in now, if any."""
    current = now()
    return db.session.scalar(
        sa.select(Booking)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(
            Booking.user_id == user.id,
            Booking.bookable_id == bookable_id,
            Booking.status == CONFIRMED,
            Slot.starts_at <= current + early,
            Slot.ends_at >= current,
        )
        .options(sa.orm.contains_eager(Booking.slot))
        .order_by(Slot.starts_at)
        .limit(1)
    )


def suspensions_list(
    staff: StaffAccount,
    *,
    q: str = "",
    state: str | None = "active",
    community_id: int | None = None,
    sort: str = "-start",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 预约暂停: suspensions in the staff member's communities of residents whose name
    contains ``q``, in one of ``SUSPENSION_STATES`` (None: all), sorted by start (``start`` /
    ``-start``) or end (``end`` / ``-end``); two statements."""
    stmt = sa.select(BookingSuspension).where(scope_filter(staff, BookingSuspension.community_id))
    current = now()
    if state == "active":
        stmt = stmt.where(BookingSuspension.lifted_at.is_(None), BookingSuspension.ends_at > current)
    elif state == "lifted":
        stmt = stmt.where(BookingSuspension.lifted_at.is_not(None))
    elif state == "expired":
        stmt = stmt.where(BookingSuspension.lifted_at.is_(None), BookingSuspension.ends_at <= current)
    if q:
        stmt = stmt.where(BookingSuspension.user_id.in_(users_named(q)))
    if community_id is not None:
        stmt = stmt.where(BookingSuspension.community_id == community_id)
    keys: dict[str, list] = {
        "start": [BookingSuspension.created_at, BookingSuspension.id],
        "end": [BookingSuspension.ends_at, BookingSuspension.id],
    }
    return numbered_page(stmt, sort_order(sort, keys), page, per_page)


register_purpose(
    Purpose(
        VENUE_PURPOSE,
        "预约签到",
        load=lambda staff, bookable_id: permissions.load_scoped(
            Bookable, bookable_id, staff, "booking.checkin"
        ),
        label=lambda bookable: (
            f"{bookable.name}（{bookable.location}）" if bookable.location else bookable.name
        ),
    )
)


# -- the dashboard: today's work, one statement each ------------------------------------------------


def _today_bookings(staff: StaffAccount, *conditions) -> int:
    start, end = local_day_bounds(local(now()).date())
    return (
        db.session.scalar(
            sa.select(sa.func.count(Booking.id))
            .join(Slot, Slot.id == Booking.slot_id)
            .where(
                Slot.starts_at >= start,
                Slot.starts_at < end,
                scope_filter(staff, Slot.community_id),
                *conditions,
            )
        )
        or 0
    )


def today_booking_count(staff: StaffAccount) -> int:
    """Today's (local day) bookings that still hold or used their place."""
    return _today_bookings(staff, Booking.status.in_((*ACTIVE, CHECKED_IN)))


def today_check_in_count(staff: StaffAccount) -> int:
    return _today_bookings(staff, Booking.status == CHECKED_IN)
