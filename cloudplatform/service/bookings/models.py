"""预约事项: bookable services, their opening hours, closures and slots, and residents' bookings."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, User
from cloudplatform.orm import TimestampMixin


class Bookable(TimestampMixin, db.Model):
    """A service residents book a time for (证明开具, 老年证办理, 活动室预约...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    location: Mapped[str] = mapped_column(sa.String(128), default="")
    slot_minutes: Mapped[int] = mapped_column(default=30)
    capacity: Mapped[int] = mapped_column(default=1)  # places per slot
    min_notice_hours: Mapped[int] = mapped_column(default=2)  # book at least this long before the start
    max_advance_days: Mapped[int] = mapped_column(default=14)  # and at most this many days ahead
    max_active_per_user: Mapped[int] = mapped_column(default=2)  # upcoming bookings a resident may hold
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=2)  # cancel until this long before the start
    requires_approval: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    community: Mapped[Community] = relationship()
    hours: Mapped[list["OpeningHours"]] = relationship(order_by="OpeningHours.weekday", viewonly=True)


class OpeningHours(db.Model):
    """One opening period on a weekday (0 = Monday), in minutes after local midnight."""

    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint(
            "opens_minute >= 0 AND closes_minute <= 1440 AND opens_minute < closes_minute",
            name="period_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bookable_id: Mapped[int] = mapped_column(sa.ForeignKey("bookable.id"), index=True)
    weekday: Mapped[int]
    opens_minute: Mapped[int]
    closes_minute: Mapped[int]


class Closure(db.Model):
    """A day the service is closed (holiday, staff training...) and how many bookings closing it cancelled."""

    __table_args__ = (sa.UniqueConstraint("bookable_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bookable_id: Mapped[int] = mapped_column(sa.ForeignKey("bookable.id"))
    day: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(64), default="")
    cancelled_bookings: Mapped[int] = mapped_column(default=0, server_default="0")


class Slot(db.Model):
    """A bookable period; ``booked`` counts its active bookings and never exceeds ``capacity``."""

    __table_args__ = (
        sa.UniqueConstraint("bookable_id", "starts_at"),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        sa.Index("ix_slot_community_starts_at", "community_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bookable_id: Mapped[int] = mapped_column(sa.ForeignKey("bookable.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime] = mapped_column(index=True)
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)
    closed: Mapped[bool] = mapped_column(default=False)
    # the service's booking window for this slot (max_advance_days before, min_notice_hours before the
    # start), kept here so that one conditional UPDATE can check every rule of a booking
    book_from: Mapped[datetime]
    book_until: Mapped[datetime]

    bookable: Mapped[Bookable] = relationship()


# A booking is active (holds a place) while pending approval or confirmed.
PENDING_APPROVAL, CONFIRMED, CANCELLED, REJECTED = "pending_approval", "confirmed", "cancelled", "rejected"
CHECKED_IN, NO_SHOW = "checked_in", "no_show"
ACTIVE = (PENDING_APPROVAL, CONFIRMED)
STATUS_NAMES = {
    PENDING_APPROVAL: "待审核",
    CONFIRMED: "已预约",
    CANCELLED: "已取消",
    REJECTED: "未通过",
    CHECKED_IN: "已核销",
    NO_SHOW: "爽约",
}


class Booking(TimestampMixin, db.Model):
    """A resident's place in a slot; its status moves only along ``TRANSITIONS``."""

    TRANSITIONS = {
        PENDING_APPROVAL: {CONFIRMED, REJECTED, CANCELLED},
        CONFIRMED: {CANCELLED, CHECKED_IN, NO_SHOW},
    }

    __table_args__ = (
        # a resident holds at most one active place in a slot
        sa.Index(
            "uq_booking_one_active_per_slot",
            "user_id",
            "slot_id",
            unique=True,
            sqlite_where=sa.text("status IN ('pending_approval', 'confirmed')"),
            postgresql_where=sa.text("status IN ('pending_approval', 'confirmed')"),
        ),
        sa.Index("ix_booking_user_status", "user_id", "status"),
        sa.Index("ix_booking_slot_status", "slot_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    bookable_id: Mapped[int] = mapped_column(sa.ForeignKey("bookable.id"))
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("slot.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(16))
    qr_token: Mapped[str] = mapped_column(sa.String(64), unique=True)  # random, ≥128 bits: the check-in QR
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    reminded_at: Mapped[datetime | None]

    slot: Mapped[Slot] = relationship()
    bookable: Mapped[Bookable] = relationship()
    user: Mapped[User] = relationship()


class BookingSuspension(TimestampMixin, db.Model):
    """Too many no-shows: the user may not book in this community until ``ends_at`` (or staff lift it)."""

    __table_args__ = (sa.Index("ix_booking_suspension_user", "user_id", "community_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("community.id"))
    ends_at: Mapped[datetime]
    no_shows: Mapped[int]
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
