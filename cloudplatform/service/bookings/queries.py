"""Reads of 预约事项 both front ends share: services, slots, bookings, and the scoped loaders."""

from datetime import date

import sqlalchemy as sa

from cloudplatform.clock import local_day_bounds, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import Membership, StaffAccount, User
from cloudplatform.service.bookings.errors import BookableNotFound, BookingNotFound
from cloudplatform.service.bookings.models import ACTIVE, Bookable, Booking, BookingSuspension, Slot

MY_HISTORY = 50  # past bookings a resident sees


def active_suspension(user_id: int, community_id: sa.ColumnElement | int) -> sa.Exists:
    return sa.exists().where(
        BookingSuspension.user_id == user_id,
        BookingSuspension.community_id == community_id,
        BookingSuspension.lifted_at.is_(None),
        BookingSuspension.ends_at > now(),
    )


def active_bookings_of(user_id: int, bookable_id: sa.ColumnElement | int):
    """How many upcoming places the user holds for a service."""
    booked_slot = sa.orm.aliased(Slot)
    return (
        sa.select(sa.func.count(Booking.id))
        .join(booked_slot, booked_slot.id == Booking.slot_id)
        .where(
            Booking.user_id == user_id,
            Booking.bookable_id == bookable_id,
            Booking.status.in_(ACTIVE),
            booked_slot.ends_at > now(),
        )
        .scalar_subquery()
    )


def community_bookables(community_id: int) -> list[Bookable]:
    """The active services of a community with their opening hours (the caller checked membership)."""
    return list(
        db.session.scalars(
            sa.select(Bookable)
            .where(Bookable.community_id == community_id, Bookable.active)
            .options(sa.orm.selectinload(Bookable.hours))
            .order_by(Bookable.id)
        )
    )


def slots_of_day(bookable: Bookable, day: date) -> list[Slot]:
    start, end = local_day_bounds(day)
    return list(
        db.session.scalars(
            sa.select(Slot)
            .where(Slot.bookable_id == bookable.id, Slot.starts_at >= start, Slot.starts_at < end)
            .order_by(Slot.starts_at)
        )
    )


def day_bookings(bookable: Bookable, day: date) -> list[Booking]:
    """A local day's bookings of a service with their slots and residents, in start order (one statement)."""
    start, end = local_day_bounds(day)
    return list(
        db.session.scalars(
            sa.select(Booking)
            .join(Slot, Slot.id == Booking.slot_id)
            .where(Booking.bookable_id == bookable.id, Slot.starts_at >= start, Slot.starts_at < end)
            .options(sa.orm.contains_eager(Booking.slot), sa.orm.joinedload(Booking.user))
            .order_by(Slot.starts_at, Booking.id)
        )
    )


def my_bookings(user: User, upcoming: bool = True) -> list[Booking]:
    """The user's active upcoming bookings, soonest first; or their last ``MY_HISTORY``, newest first."""
    stmt = (
        sa.select(Booking)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.user_id == user.id)
        .options(sa.orm.contains_eager(Booking.slot))
    )
    if upcoming:
        stmt = stmt.where(Booking.status.in_(ACTIVE), Slot.ends_at > now()).order_by(Slot.starts_at)
    else:
        stmt = stmt.order_by(Slot.starts_at.desc()).limit(MY_HISTORY)
    return list(db.session.scalars(stmt))


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
        raise BookableNotFound()
    return bookable


def load_own_booking(user: User, booking_id: int) -> Booking:
    """One of the user's own bookings; anyone else's is 404."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.user_id != user.id:
        raise BookingNotFound()
    return booking


def load_booking_by_qr(staff: StaffAccount | None, qr_token: str) -> Booking:
    """The booking a resident's QR names, for checking in: 403 without the right, 404 outside the scope."""
    permissions.require(staff, "booking.checkin")
    booking = db.session.scalar(sa.select(Booking).where(Booking.qr_token == qr_token))
    if booking is None or not permissions.in_scope(staff, booking.community_id):
        raise BookingNotFound()
    return booking
