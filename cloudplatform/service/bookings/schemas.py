from datetime import timedelta

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.clock import now
from cloudplatform.pagination import PageArgsSchema
from cloudplatform.privacy import mask_name
from cloudplatform.schemas import Id, ListedSchema, LocalDateTime, LocalDay, QueryId
from cloudplatform.service.bookings.models import STATUS_NAMES

QR_PATTERN = "^[A-Za-z0-9_-]{16,64}$"  # what secrets.token_urlsafe gives
HHMM = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def Status() -> fields.String:
    return fields.String(
        validate=validate.OneOf(list(STATUS_NAMES)),
        metadata={
            "description": "pending_approval 待审核, confirmed 已预约, cancelled 已取消, rejected 未通过, "
            "checked_in 已核销, no_show 爽约",
            "example": "confirmed",
        },
    )


def StatusName() -> fields.Function:
    return fields.Function(
        lambda b: STATUS_NAMES[b.status],
        metadata={
            "type": "string",
            "enum": list(STATUS_NAMES.values()),
            "description": "状态的中文名",
            "example": "已预约",
        },
    )


def When(attribute: str, example: str, description: str) -> fields.DateTime:
    return fields.DateTime(attribute=attribute, metadata={"description": description, "example": example})


def LocalWhen(attribute: str, example: str, description: str) -> LocalDateTime:
    return LocalDateTime(
        attribute=attribute, dump_only=True, metadata={"description": description, "example": example}
    )


class OpeningHoursSchema(ma.Schema):
    weekday = fields.Integer(
        validate=validate.Range(0, 6),
        metadata={"description": "0 = 周一 Monday … 6 = 周日 Sunday", "example": 0},
    )
    opens = fields.Function(
        lambda h: hhmm(h.opens_minute),
        metadata={"type": "string", "pattern": HHMM, "description": "Beijing time HH:MM", "example": "09:00"},
    )
    closes = fields.Function(
        lambda h: hhmm(h.closes_minute),
        metadata={"type": "string", "pattern": HHMM, "description": "Beijing time HH:MM", "example": "12:00"},
    )


class BookableSchema(ma.Schema):
    """A service residents book a time for, with its rules and weekly opening hours."""

    id = fields.Integer(metadata={"example": 1})
    community_id = fields.Integer(metadata={"example": 1})
    name = fields.String(metadata={"example": "证明开具"})
    description = fields.String(metadata={"example": "居住证明、困难证明等各类证明的开具"})
    location = fields.String(metadata={"description": "where to go", "example": "社区服务中心一楼 2 号窗口"})
    slot_minutes = fields.Integer(metadata={"description": "length of a slot", "example": 30})
    capacity = fields.Integer(metadata={"description": "places per slot", "example": 2})
    min_notice_hours = fields.Integer(
        metadata={"description": "book at least this long before", "example": 2}
    )
    max_advance_days = fields.Integer(
        metadata={"description": "book at most this many days ahead", "example": 14}
    )
    max_active_per_user = fields.Integer(
        metadata={"description": "upcoming bookings one resident may hold", "example": 2}
    )
    cancel_cutoff_hours = fields.Integer(
        metadata={"description": "cancel until this long before", "example": 2}
    )
    requires_approval = fields.Boolean(
        metadata={"description": "bookings wait for staff approval (pending_approval)", "example": False}
    )
    hours = fields.List(fields.Nested(OpeningHoursSchema), metadata={"description": "weekly opening hours"})


class BookableListArgsSchema(PageArgsSchema):
    community_id = QueryId("one of the caller's communities", required=True)


class DayArgsSchema(PageArgsSchema):
    date = LocalDay("YYYY-MM-DD, a Beijing (Asia/Shanghai) calendar day, 2000-2099", required=True)


class SlotSchema(ListedSchema):
    """A bookable period of a service, with its free places and whether it can be booked now."""

    id = fields.Integer(metadata={"example": 101})
    starts_at = When("starts_at", "2026-12-08T01:00:00+00:00", "UTC")
    ends_at = When("ends_at", "2026-12-08T01:30:00+00:00", "UTC")
    starts_at_local = LocalWhen("starts_at", "2026-12-08T09:00:00+08:00", "the start in Beijing time")
    ends_at_local = LocalWhen("ends_at", "2026-12-08T09:30:00+08:00", "the end in Beijing time")
    capacity = fields.Integer(metadata={"description": "places", "example": 2})
    free = fields.Function(
        lambda s: 0 if s.closed else s.capacity - s.booked,
        metadata={"type": "integer", "minimum": 0, "description": "places still free", "example": 1},
    )
    closed = fields.Boolean(
        metadata={"description": "the service is closed that day (暂停服务)", "example": False}
    )
    book_from = When("book_from", "2026-11-24T01:00:00+00:00", "booking opens (UTC): max_advance_days before")
    book_until = When(
        "book_until", "2026-12-07T23:00:00+00:00", "booking closes (UTC): min_notice_hours before"
    )
    bookable_now = fields.Function(
        lambda s: not s.closed and s.booked < s.capacity and s.book_from <= now() <= s.book_until,
        metadata={
            "type": "boolean",
            "description": "可预约：open for booking now with a free place (the caller's own limits aside)",
            "example": True,
        },
    )


class BookingCreateSchema(ma.Schema):
    slot_id = Id(
        required=True,
        metadata={"description": "a slot of GET /services/bookables/{id}/slots", "example": 101},
    )


class BookingSchema(ma.Schema):
    """A resident's own booking: the service, where and when, its status, and the token its check-in QR
    code carries."""

    id = fields.Integer(metadata={"example": 5001})
    bookable_id = fields.Integer(metadata={"example": 1})
    bookable_name = fields.String(attribute="bookable.name", metadata={"example": "证明开具"})
    location = fields.String(attribute="bookable.location", metadata={"example": "社区服务中心一楼 2 号窗口"})
    slot_id = fields.Integer(metadata={"example": 101})
    starts_at = When("slot.starts_at", "2026-12-08T01:00:00+00:00", "UTC")
    ends_at = When("slot.ends_at", "2026-12-08T01:30:00+00:00", "UTC")
    starts_at_local = LocalWhen("slot.starts_at", "2026-12-08T09:00:00+08:00", "the start in Beijing time")
    ends_at_local = LocalWhen("slot.ends_at", "2026-12-08T09:30:00+08:00", "the end in Beijing time")
    cancel_until = fields.Function(
        lambda b: (b.slot.starts_at - timedelta(hours=b.bookable.cancel_cutoff_hours)).isoformat(),
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "取消截止 (UTC): cancelling is possible until then (409 CANCEL_TOO_LATE after)",
            "example": "2026-12-07T23:00:00+00:00",
        },
    )
    status = Status()
    status_name = StatusName()
    qr_token = fields.String(
        metadata={
            "description": "what GET .../qr.png encodes; staff scan it",
            "example": "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6",
        }
    )
    created_at = When("created_at", "2026-12-07T00:12:00+00:00", "when it was booked (UTC)")


class BookingListArgsSchema(PageArgsSchema):
    upcoming = fields.Boolean(
        load_default=True,
        metadata={
            "description": "true: active bookings not yet over, soonest first; "
            "false: all bookings, newest first",
            "example": True,
        },
    )


class CheckInSchema(ma.Schema):
    qr_token = fields.String(
        required=True,
        validate=validate.Regexp(QR_PATTERN),
        metadata={
            "pattern": QR_PATTERN,
            "description": "the token the resident's booking QR code carries",
            "example": "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6",
        },
    )


class VenueCheckInSchema(ma.Schema):
    """A venue code the resident scanned."""

    venue_code = fields.String(
        required=True,
        validate=validate.Length(1, 80),
        metadata={
            "description": "what wx.scanCode read from the counter screen (签到码, changes every 30 s)",
            "example": "booking.1.59357281.3yZe8H6kT0aVq9XbN4mJ2w",
        },
    )


class DecisionSchema(ma.Schema):
    approve = fields.Boolean(
        required=True, metadata={"description": "true approves, false rejects", "example": True}
    )


class StaffBookingSchema(ma.Schema):
    """What staff see at the counter: the service, the time, the resident's nickname masked as the console
    masks names (``mask_name``); no QR token."""

    id = fields.Integer(metadata={"example": 5001})
    bookable_id = fields.Integer(metadata={"example": 1})
    bookable_name = fields.String(attribute="bookable.name", metadata={"example": "证明开具"})
    slot_id = fields.Integer(metadata={"example": 101})
    starts_at = When("slot.starts_at", "2026-12-08T01:00:00+00:00", "UTC")
    ends_at = When("slot.ends_at", "2026-12-08T01:30:00+00:00", "UTC")
    starts_at_local = LocalWhen("slot.starts_at", "2026-12-08T09:00:00+08:00", "the start in Beijing time")
    ends_at_local = LocalWhen("slot.ends_at", "2026-12-08T09:30:00+08:00", "the end in Beijing time")
    status = Status()
    status_name = StatusName()
    user_id = fields.Integer(metadata={"example": 42})
    nickname = fields.Function(
        lambda booking: mask_name(booking.user.nickname),
        metadata={"type": "string", "description": "masked: the first character, then *", "example": "张**"},
    )
