"""Bookable services and their time: opening hours and closures become slots, each with its booking window."""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import LOCAL_TZ, local, now
from cloudplatform.errors import NotFound, Unprocessable
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import Membership, StaffAccount, User
from cloudplatform.notify.operations import notify
from cloudplatform.notify.templates import THING_MAX, fit
from cloudplatform.orm import insert_for
from cloudplatform.service.bookings.models import (
    ACTIVE,
    CANCELLED,
    Bookable,
    Booking,
    Closure,
    OpeningHours,
    Slot,
)

SLOT_INSERT_CHUNK = (
    1000  # rows per INSERT when making slots  # staff may check a resident in this long before the start
)


def create_bookable(staff: StaffAccount, community_id: int, **fields) -> Bookable:
    """Create a bookable service in a community the staff member manages."""
    permissions.require(staff, "booking.manage")
    if not permissions.in_scope(staff, community_id):
        raise NotFound("社区不存在")
    bookable = Bookable(community_id=community_id, **fields)
    db.session.add(bookable)
    db.session.flush()
    record(
        staff, "bookable.create", target=bookable, community_id=community_id, details={"name": bookable.name}
    )
    return bookable


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


def set_opening_hours(staff: StaffAccount, bookable: Bookable, periods: list[tuple[int, int, int]]) -> None:
    """Replace the weekly hours with ``(weekday, opens_minute, closes_minute)`` periods; future free
    slots outside them go, and new ones are made for the booking window."""
    for weekday, opens, closes in periods:
        if not (0 <= weekday <= 6 and 0 <= opens < closes <= 1440):
            raise Unprocessable("开放时间无效", code="INVALID_HOURS")
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


def add_closure(staff: StaffAccount, bookable: Bookable, day: date, reason: str) -> int:
    """Close the service for a day: its slots close, and their bookings are cancelled and the residents
    told. Returns how many bookings were cancelled."""
    if day < local(now()).date():
        raise Unprocessable("不能关闭已过去的日期", code="CLOSURE_IN_PAST")
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
    cancelled = db.session.scalars(
        sa.update(Booking)
        .where(Booking.slot_id.in_(slot_ids), Booking.status.in_(ACTIVE))
        .values(status=CANCELLED, cancelled_at=now())
        .returning(Booking.user_id)
    ).all()
    for user in db.session.scalars(sa.select(User).where(User.id.in_(cancelled))):
        notify(
            user,
            "booking_reminder",
            booking_message(bookable.name, day, closure_note(reason)),
            page="pages/services/bookings",
        )
    record(
        staff,
        "bookable.closure",
        target=bookable,
        community_id=bookable.community_id,
        details={"day": day.isoformat(), "reason": reason, "cancelled": len(cancelled)},
    )
    return len(cancelled)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A local (Asia/Shanghai) calendar day as a UTC interval [start, end)."""
    start = datetime.combine(day, time(), LOCAL_TZ)
    return start, start + timedelta(days=1)


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


def slots_of_day(bookable: Bookable, day: date) -> list[Slot]:
    start, end = local_day_bounds(day)
    return db.session.scalars(
        sa.select(Slot)
        .where(Slot.bookable_id == bookable.id, Slot.starts_at >= start, Slot.starts_at < end)
        .order_by(Slot.starts_at)
    ).all()


def load_member_bookable(user: User, bookable_id: int) -> Bookable:
    """A service of one of the user's communities, in one statement; anything else is 404."""
    bookable = db.session.scalar(
        sa.select(Bookable).where(
            Bookable.id == bookable_id,
            Bookable.active,
            sa.exists().where(
                Membership.user_id == user.id, Membership.community_id == Bookable.community_id
            ),
        )
    )
    if bookable is None:
        raise NotFound("预约事项不存在", code="BOOKABLE_NOT_FOUND")
    return bookable


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
