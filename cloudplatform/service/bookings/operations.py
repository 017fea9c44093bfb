"""Bookings: residents book, cancel and are checked in; staff approve; suspensions are lifted.

Capacity is kept by the database: booking is one conditional UPDATE of the slot's counter
(``booked < capacity``) that also checks every other rule; the per-resident limit is counted under a
lock on the resident's row. A refused UPDATE is then explained by a second look, never the other way
round (no check-then-insert).
"""

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import now
from cloudplatform.errors import AppError, Conflict, Forbidden, NotFound
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import RESIDENT, Membership, StaffAccount, User
from cloudplatform.notify.operations import notify
from cloudplatform.service.bookings.models import (
    ACTIVE,
    CANCELLED,
    CHECKED_IN,
    CONFIRMED,
    PENDING_APPROVAL,
    REJECTED,
    Bookable,
    Booking,
    BookingSuspension,
    Slot,
)
from cloudplatform.service.bookings.schedule import booking_message

CHECK_IN_EARLY = timedelta(minutes=30)


class BookingRefused(AppError):
    status, code, message = 409, "BOOKING_REFUSED", "无法预约该时段"


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


def book_slot(user: User, slot_id: int) -> Booking:
    """Take a place in a slot for a resident of its community: one conditional UPDATE holds every rule.

    :raises BookingRefused: SLOT_FULL, SLOT_CLOSED, TOO_LATE, TOO_EARLY, BOOKING_LIMIT, ALREADY_BOOKED
    :raises Forbidden: BOOKING_SUSPENDED
    :raises NotFound: the slot is not one of the user's communities'
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # one booking at a time per resident, so that the per-resident count below is never overtaken
        db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    current = now()
    taken = db.session.execute(
        sa.update(Slot)
        .where(
            Slot.id == slot_id,
            Slot.booked < Slot.capacity,
            Slot.closed.is_(False),
            Slot.book_from <= current,
            Slot.book_until >= current,
            sa.exists().where(Bookable.id == Slot.bookable_id, Bookable.active),
            sa.exists().where(
                Membership.user_id == user.id,
                Membership.community_id == Slot.community_id,
                Membership.role == RESIDENT,
            ),
            ~active_suspension(user.id, Slot.community_id),
            ~sa.exists().where(
                Booking.slot_id == Slot.id, Booking.user_id == user.id, Booking.status.in_(ACTIVE)
            ),
            active_bookings_of(user.id, Slot.bookable_id)
            < sa.select(Bookable.max_active_per_user)
            .where(Bookable.id == Slot.bookable_id)
            .scalar_subquery(),
        )
        .values(booked=Slot.booked + 1)
        .returning(Slot.bookable_id, Slot.community_id, Slot.starts_at, Slot.ends_at)
    ).first()
    if taken is None:
        raise refusal_reason(user, slot_id, current)
    status = sa.case((Bookable.requires_approval, PENDING_APPROVAL), else_=CONFIRMED)
    booking_id, booking_status, qr_token = db.session.execute(
        sa.insert(Booking)
        .from_select(
            ["community_id", "bookable_id", "slot_id", "user_id", "status", "qr_token", "created_at"],
            sa.select(
                sa.literal(taken.community_id),
                sa.literal(taken.bookable_id),
                sa.literal(slot_id),
                sa.literal(user.id),
                status,
                sa.literal(secrets.token_urlsafe(24)),
                sa.literal(current),
            ).where(Bookable.id == taken.bookable_id),
        )
        .returning(Booking.id, Booking.status, Booking.qr_token)
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
    )


def refusal_reason(user: User, slot_id: int, current: datetime) -> AppError:
    """Why the booking UPDATE took no place (looked up afterwards, on the refusal path only)."""
    slot = db.session.scalar(sa.select(Slot).where(Slot.id == slot_id))
    roles = permissions.member_roles(user, slot.community_id) if slot is not None else set()
    if slot is None or RESIDENT not in roles or not slot.bookable.active:
        return NotFound("该时段不存在", code="SLOT_NOT_FOUND")
    if db.session.scalar(sa.select(active_suspension(user.id, slot.community_id))):
        return Forbidden("您近期多次预约未到，暂停预约", code="BOOKING_SUSPENDED")
    if slot.closed:
        return BookingRefused("该时段暂停服务", code="SLOT_CLOSED")
    if current > slot.book_until:
        return BookingRefused("该时段已截止预约", code="TOO_LATE")
    if current < slot.book_from:
        return BookingRefused("该时段尚未开放预约", code="TOO_EARLY")
    mine = sa.exists().where(
        Booking.slot_id == slot.id, Booking.user_id == user.id, Booking.status.in_(ACTIVE)
    )
    if db.session.scalar(sa.select(mine)):
        return BookingRefused("您已预约该时段", code="ALREADY_BOOKED")
    if (
        db.session.scalar(sa.select(active_bookings_of(user.id, slot.bookable_id)))
        >= slot.bookable.max_active_per_user
    ):
        return BookingRefused("您的待办预约已达上限", code="BOOKING_LIMIT")
    return BookingRefused("该时段已约满", code="SLOT_FULL")


def release_place(booking: Booking, status: str, **values) -> bool:
    """Move an active booking to ``status`` and give its place back; False if it was no longer active."""
    moved = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status.in_(ACTIVE))
        .values(status=status, **values)
    )
    if moved.rowcount != 1:
        return False
    db.session.execute(
        sa.update(Slot).where(Slot.id == booking.slot_id, Slot.booked > 0).values(booked=Slot.booked - 1)
    )
    db.session.refresh(booking)
    return True


def cancel_booking(user: User, booking: Booking) -> Booking:
    """The resident cancels their own booking, until the service's cut-off before the start."""
    if booking.user_id != user.id:
        raise NotFound("预约不存在", code="BOOKING_NOT_FOUND")
    cutoff = booking.slot.starts_at - timedelta(hours=booking.bookable.cancel_cutoff_hours)
    if now() > cutoff:
        raise Conflict("已过取消截止时间", code="CANCEL_TOO_LATE")
    if not release_place(booking, CANCELLED, cancelled_at=now()):
        raise Conflict("该预约已无法取消", code="BOOKING_NOT_ACTIVE")
    return booking


def decide_booking(staff: StaffAccount, booking: Booking, approve: bool) -> Booking:
    """Approve or reject a booking that waits for staff approval (rejection frees the place)."""
    if booking.status != PENDING_APPROVAL:
        raise Conflict("该预约无需审核", code="NOT_PENDING")
    if approve:
        moved = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking.id, Booking.status == PENDING_APPROVAL)
            .values(status=CONFIRMED)
        ).rowcount
        db.session.refresh(booking)
    else:
        moved = release_place(booking, REJECTED)
    if not moved:
        raise Conflict("该预约无需审核", code="NOT_PENDING")
    record(staff, f"booking.{booking.status}", target=booking, community_id=booking.community_id)
    notify(
        booking.user,
        "booking_reminder",
        booking_message(
            booking.bookable.name, booking.slot.starts_at, "预约已通过" if approve else "预约未通过"
        ),
        page="pages/services/bookings",
    )
    return booking


def find_booking_for_check_in(staff: StaffAccount, qr_token: str) -> Booking:
    permissions.require(staff, "booking.checkin")
    booking = db.session.scalar(sa.select(Booking).where(Booking.qr_token == qr_token))
    if booking is None or not permissions.in_scope(staff, booking.community_id):
        raise NotFound("预约不存在", code="BOOKING_NOT_FOUND")
    return booking


def check_in(staff: StaffAccount, booking: Booking) -> Booking:
    """Staff scan the resident's booking QR (核销): from half an hour before the start until the end."""
    current = now()
    if not booking.slot.starts_at - CHECK_IN_EARLY <= current <= booking.slot.ends_at:
        raise Conflict("不在核销时间内", code="NOT_CHECK_IN_TIME")
    moved = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == CONFIRMED)
        .values(status=CHECKED_IN, checked_in_at=current, checked_in_by_id=staff.id)
    ).rowcount
    if moved != 1:
        raise Conflict("该预约已核销或不可核销", code="NOT_CHECKABLE")
    db.session.refresh(booking)
    record(staff, "booking.check_in", target=booking, community_id=booking.community_id)
    return booking


def lift_suspension(staff: StaffAccount, suspension: BookingSuspension) -> None:
    if suspension.lifted_at is not None:
        raise Conflict("该暂停已解除", code="ALREADY_LIFTED")
    suspension.lifted_at, suspension.lifted_by_id = now(), staff.id
    record(staff, "booking.suspension_lift", target=suspension, community_id=suspension.community_id)
