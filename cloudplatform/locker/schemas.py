import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.locker.models import COMPARTMENT_STATES, DEPOSIT_STATUS_NAMES, SIZES
from cloudplatform.pagination import PageArgsSchema
from cloudplatform.schemas import Id, LocalDateTime, QueryId

CODE_PATTERN = "^[0-9]{8}$"
QR_PATTERN = "^[A-Za-z0-9_-]{22}$"  # 128 bits, URL-safe base64 without padding


def Size() -> fields.String:
    return fields.String(
        validate=validate.OneOf(list(SIZES)),
        metadata={"description": "S 小格, M 中格, L 大格", "example": "M"},
    )


def Status() -> fields.String:
    return fields.String(
        metadata={
            "enum": list(DEPOSIT_STATUS_NAMES),
            "description": "waiting 待取件, opening 柜门已开, picked_up 已取件, expired 已过期待回收, "
            "retrieved 已回收, cancelled 已取消 (drop-offs: reserved, deposited, collected, lapsed)",
            "example": "waiting",
        },
    )


def StatusName() -> fields.Function:
    return fields.Function(
        lambda d: DEPOSIT_STATUS_NAMES[d.status],
        metadata={
            "type": "string",
            "enum": list(DEPOSIT_STATUS_NAMES.values()),
            "description": "状态的中文名",
            "example": "待取件",
        },
    )


class DepositCreateSchema(ma.Schema):
    cabinet_id = Id(required=True, metadata={"description": "a cabinet of GET /staff/cabinets", "example": 1})
    recipient_user_id = Id(
        required=True, metadata={"description": "the resident it is for (a resident there)", "example": 42}
    )
    size = fields.String(
        required=True,
        validate=validate.OneOf(list(SIZES)),
        metadata={
            "description": "S 小格, M 中格, L 大格: the smallest that fits; a larger one if none",
            "example": "S",
        },
    )
    item = fields.String(
        required=True,
        validate=validate.Length(1, 100),
        metadata={"description": "what it is, shown to the resident (物品名称)", "example": "居住证明"},
    )


class StaffDepositSchema(ma.Schema):
    """A deposit as staff see it: where, for whom, its status; never its code."""

    id = fields.Integer(metadata={"example": 7001})
    cabinet_id = fields.Integer(metadata={"example": 1})
    cabinet_name = fields.String(attribute="cabinet.name", metadata={"example": "火炬路社区服务中心云柜"})
    compartment = fields.Integer(attribute="compartment.number", metadata={"example": 3})
    size = Size()
    item = fields.String(metadata={"example": "居住证明"})
    recipient_user_id = fields.Integer(allow_none=True, metadata={"example": 42})
    status = Status()
    status_name = StatusName()
    created_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:12:00+00:00"})
    expires_at = fields.DateTime(
        metadata={"description": "the code stops working then (UTC)", "example": "2026-12-10T00:12:00+00:00"}
    )


class MyDepositSchema(ma.Schema):
    """A deposit for the caller: the item, which cabinet and door, until when; the code and QR token while
    it waits for them."""

    id = fields.Integer(metadata={"example": 7001})
    item = fields.String(metadata={"example": "居住证明"})
    cabinet_name = fields.String(attribute="cabinet.name", metadata={"example": "火炬路社区服务中心云柜"})
    location = fields.String(attribute="cabinet.location", metadata={"example": "社区服务中心东侧"})
    compartment = fields.Integer(attribute="compartment.number", metadata={"example": 3})
    status = Status()
    status_name = StatusName()
    code = fields.String(
        allow_none=True,
        metadata={
            "pattern": CODE_PATTERN,
            "description": "取件码: the 8 digits to type at the cabinet, while waiting (null otherwise)",
            "example": "40718263",
        },
    )
    qr_token = fields.String(
        allow_none=True,
        metadata={
            "pattern": QR_PATTERN,
            "description": "what GET .../qr.png encodes (the cabinet's scanner reads it), while waiting",
            "example": "q1w2e3r4t5y6u7i8o9p0aa",
        },
    )
    expires_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-10T00:12:00+00:00"})
    expires_at_local = LocalDateTime(
        attribute="expires_at",
        dump_only=True,
        metadata={"description": "Beijing time", "example": "2026-12-10T08:12:00+08:00"},
    )
    created_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:12:00+00:00"})


class CabinetListArgsSchema(ma.Schema):
    community_id = QueryId("one of the caller's communities (all of them without it)")


class CabinetOccupancySchema(ma.Schema):
    """A cabinet with its compartments counted by state."""

    id = fields.Integer(attribute="cabinet.id", metadata={"example": 1})
    community_id = fields.Integer(attribute="cabinet.community_id", metadata={"example": 1})
    name = fields.String(attribute="cabinet.name", metadata={"example": "火炬路社区服务中心云柜"})
    location = fields.String(attribute="cabinet.location", metadata={"example": "社区服务中心东侧"})
    disabled = fields.Boolean(attribute="cabinet.disabled", metadata={"example": False})
    online = fields.Boolean(metadata={"description": "a heartbeat within 5 minutes", "example": True})
    last_seen_at = fields.DateTime(
        attribute="cabinet.last_seen_at",
        allow_none=True,
        metadata={"description": "its last heartbeat (UTC)", "example": "2026-12-07T00:12:00+00:00"},
    )
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={
            "description": "compartments by state: "
            + ", ".join(f"{k} {v}" for k, v in COMPARTMENT_STATES.items()),
            "example": {"free": 20, "reserved": 0, "occupied": 4, "disabled": 0, "fault": 0},
        },
    )


class CabinetPageArgsSchema(PageArgsSchema, CabinetListArgsSchema):
    pass


class RemoteOpenSchema(ma.Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(2, 200),
        metadata={"description": "why (kept in the audit log)", "example": "居民手机丢失，已核实身份"},
    )


class DepositCancelSchema(ma.Schema):
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "why (kept in the audit log)", "example": "物品放错"},
    )


class DropoffCreateSchema(ma.Schema):
    cabinet_id = Id(
        required=True, metadata={"description": "a cabinet of the caller's community", "example": 1}
    )
    size = fields.String(
        required=True,
        validate=validate.OneOf(list(SIZES)),
        metadata={
            "description": "S 小格, M 中格, L 大格: the smallest that fits; a larger one if none",
            "example": "M",
        },
    )
    item = fields.String(
        required=True,
        validate=validate.Length(1, 100),
        metadata={"description": "what it is", "example": "低保复核材料"},
    )


class DropoffSchema(ma.Schema):
    """The sender's own view of a drop-off reservation: its code opens the reserved compartment."""

    id = fields.Integer(metadata={"example": 7002})
    cabinet_name = fields.String(attribute="cabinet.name", metadata={"example": "火炬路社区1号云柜"})
    cabinet_location = fields.String(
        attribute="cabinet.location", metadata={"example": "社区党群服务中心东侧"}
    )
    compartment = fields.Integer(attribute="compartment.number", metadata={"example": 5})
    size = fields.String(metadata={"example": "M"})
    item = fields.String(metadata={"example": "低保复核材料"})
    status = Status()
    code = fields.String(
        metadata={"description": "投递码: 8 digits for the cabinet's keypad", "example": "40718263"}
    )
    expires_at = fields.DateTime(
        metadata={
            "description": "UTC: the reservation lapses then unless used",
            "example": "2026-12-07T01:00:00+00:00",
        }
    )


class CollectionCodeSchema(ma.Schema):
    code = fields.String(
        metadata={
            "description": "the staff's code that opens the drop-off's compartment",
            "example": "12094475",
        }
    )


# -- the device protocol (not part of the mini-program's document) --------------------------------------


class DoorSchema(ma.Schema):
    number = fields.Integer(required=True, strict=True, validate=validate.Range(1, 999))
    open = fields.Boolean(required=True)


class HeartbeatSchema(ma.Schema):
    doors = fields.List(fields.Nested(DoorSchema), load_default=list, validate=validate.Length(max=200))


class PickupSchema(ma.Schema):
    # any text: a malformed code is refused (and counted) as a wrong one is, never told apart
    code = fields.String(validate=validate.Length(1, 64))
    qr_token = fields.String(validate=validate.Length(1, 64))

    @ma.validates_schema
    def one_of(self, data, **kwargs):
        if ("code" in data) == ("qr_token" in data):
            raise ma.ValidationError("需要 code 或 qr_token 之一", "_schema")


class DropoffCodeSchema(ma.Schema):
    code = fields.String(required=True, validate=validate.Length(1, 64))  # refused like a wrong one


class EventSchema(ma.Schema):
    type = fields.String(required=True, validate=validate.OneOf(["door_opened", "door_closed", "fault"]))
    compartment = fields.Integer(required=True, strict=True, validate=validate.Range(1, 999))


class EventsSchema(ma.Schema):
    events = fields.List(fields.Nested(EventSchema), required=True, validate=validate.Length(1, 100))
