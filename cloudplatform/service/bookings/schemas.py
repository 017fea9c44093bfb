import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.schemas import Id
from cloudplatform.service.bookings.models import STATUS_NAMES


class OpeningHoursSchema(ma.Schema):
    weekday = fields.Integer(metadata={"description": "0 = 周一"})
    opens = fields.Function(lambda h: f"{h.opens_minute // 60:02d}:{h.opens_minute % 60:02d}")
    closes = fields.Function(lambda h: f"{h.closes_minute // 60:02d}:{h.closes_minute % 60:02d}")


class BookableSchema(ma.Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    name = fields.String()
    description = fields.String()
    location = fields.String()
    slot_minutes = fields.Integer()
    capacity = fields.Integer()
    min_notice_hours = fields.Integer()
    max_advance_days = fields.Integer()
    max_active_per_user = fields.Integer()
    cancel_cutoff_hours = fields.Integer()
    requires_approval = fields.Boolean()
    hours = fields.List(fields.Nested(OpeningHoursSchema))


class BookableListArgsSchema(ma.Schema):
    community_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))


class SlotArgsSchema(ma.Schema):
    date = fields.Date(required=True, metadata={"description": "YYYY-MM-DD, local (Asia/Shanghai) day"})


class SlotSchema(ma.Schema):
    id = fields.Integer()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    capacity = fields.Integer()
    free = fields.Function(lambda s: 0 if s.closed else s.capacity - s.booked)
    closed = fields.Boolean()


class BookingCreateSchema(ma.Schema):
    slot_id = Id(required=True)


class BookingSchema(ma.Schema):
    """A resident's own booking, with the token its check-in QR code carries."""

    id = fields.Integer()
    bookable_id = fields.Integer()
    slot_id = fields.Integer()
    starts_at = fields.Function(lambda b: b.slot.starts_at.isoformat())
    ends_at = fields.Function(lambda b: b.slot.ends_at.isoformat())
    status = fields.String()
    status_name = fields.Function(lambda b: STATUS_NAMES[b.status])
    qr_token = fields.String()


class BookingListArgsSchema(ma.Schema):
    upcoming = fields.Boolean(load_default=True)


class CheckInSchema(ma.Schema):
    qr_token = fields.String(required=True, validate=validate.Length(16, 64))


class VenueCheckInSchema(ma.Schema):
    venue_code = fields.String(
        required=True,
        validate=validate.Length(1, 80),
        metadata={
            "description": "what wx.scanCode read from the counter screen (签到码, changes every 30 s)"
        },
    )


class DecisionSchema(ma.Schema):
    approve = fields.Boolean(required=True)


class StaffBookingSchema(ma.Schema):
    """What staff see at the counter: the resident's name masked, no QR token."""

    id = fields.Integer()
    bookable_id = fields.Integer()
    slot_id = fields.Integer()
    starts_at = fields.Function(lambda b: b.slot.starts_at.isoformat())
    status = fields.String()
    status_name = fields.Function(lambda b: STATUS_NAMES[b.status])
    user_id = fields.Integer()
    nickname = fields.Function(lambda b: b.user.nickname)
