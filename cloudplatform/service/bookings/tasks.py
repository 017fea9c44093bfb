"""What the scheduler calls for bookings: make slots, remind the day before, record no-shows."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.notify.operations import notify
from cloudplatform.service.bookings.models import (
    CONFIRMED,
    NO_SHOW,
    Bookable,
    Booking,
    BookingSuspension,
    Slot,
)
from cloudplatform.service.bookings.operations import active_suspension
from cloudplatform.service.bookings.schedule import booking_message, generate_slots, local_day_bounds


def generate_all_slots() -> int:
    """The job: keep every active service's booking window filled with slots."""
    return sum(generate_slots(b) for b in db.session.scalars(sa.select(Bookable).where(Bookable.active)))


def send_reminders() -> int:
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
            page="pages/services/bookings",
        )
    return len(due)


def mark_no_shows() -> dict[str, int]:
    """After a slot ends, its unchecked bookings are no-shows; too many within the window suspend booking."""
    cfg = current_app.config
    ended = sa.select(Slot.id).where(Slot.ends_at <= now())
    missed = db.session.execute(
        sa.update(Booking)
        .where(Booking.status == CONFIRMED, Booking.slot_id.in_(ended))
        .values(status=NO_SHOW)
        .returning(Booking.user_id, Booking.community_id)
    ).all()
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
