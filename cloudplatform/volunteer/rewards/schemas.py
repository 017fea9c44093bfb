"""The JSON shapes of the 爱心超市 for the mini-program: the shelf, a redemption (with its QR token for its
volunteer only), the staff's queue (names masked, never a token) and the requests."""

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.locker.models import SIZES
from cloudplatform.pagination import PageArgsSchema
from cloudplatform.schemas import Id, ListedSchema, LocalWhen, Named, Text, When
from cloudplatform.volunteer.models import (
    COUNTER,
    DELIVERY_NAMES,
    LIMIT_PERIODS,
    LOCKER,
    REDEMPTION_STATUS_NAMES,
    REWARD_STATUS_NAMES,
)

DELIVERIES = list(DELIVERY_NAMES)
QUEUE_STATUSES = [*REDEMPTION_STATUS_NAMES, "all"]


def Enum(names: dict[str, str], attribute: str, example: str, **kwargs) -> fields.String:
    described = ", ".join(f"{key} {name}" for key, name in names.items())
    return fields.String(
        attribute=attribute,
        metadata={"enum": list(names), "description": described, "example": example},
        **kwargs,
    )


def picture_url(reward) -> str | None:
    return f"/api/v1/volunteer/rewards/{reward.id}/picture" if reward.picture else None


class RewardSchema(ListedSchema):
    """A reward on the shelf of the caller's community, with what the caller has left of its limit."""

    id = fields.Integer(metadata={"example": 3})
    name = fields.String(metadata={"example": "洗衣液2kg"})
    description = fields.String(metadata={"example": "蓝月亮深层洁净洗衣液，2千克装"})
    picture_url = fields.Function(
        picture_url,
        metadata={
            "type": "string",
            "nullable": True,
            "description": "the picture (download with the bearer token); null without one",
            "example": "/api/v1/volunteer/rewards/3/picture",
        },
    )
    price = fields.Integer(metadata={"description": "points it costs", "example": 50})
    stock = fields.Integer(metadata={"description": "how many are left (0: sold out)", "example": 12})
    donor = fields.String(
        metadata={"description": "the organisation or unit that gave it", "example": "宝鸡高新区管委会"}
    )
    per_person = fields.Integer(
        allow_none=True,
        metadata={
            "description": "at most this many per person per `limit_period`; null: no limit",
            "example": 2,
        },
    )
    limit_period = Enum(LIMIT_PERIODS, "limit_period", "month")
    limit_period_name = Named(LIMIT_PERIODS, "limit_period", "每月", "限兑周期的中文名")
    held = fields.Integer(
        metadata={
            "description": "how many the caller holds in the current period (Beijing calendar)",
            "example": 1,
        }
    )
    left = fields.Integer(
        allow_none=True,
        metadata={
            "description": "how many more the caller may redeem this period; null: no limit",
            "example": 1,
        },
    )
    size = fields.String(
        allow_none=True,
        metadata={
            "enum": [*SIZES, None],
            "description": "locker compartment size; null: counter only",
            "example": "M",
        },
    )
    deliveries = fields.List(
        fields.String(validate=validate.OneOf(DELIVERIES)),
        metadata={
            "description": "how it can be collected: counter (到站领取) always; locker (云柜自取) when it "
            "has a size and the community a cabinet",
            "example": [COUNTER, LOCKER],
        },
    )
    status = Enum(REWARD_STATUS_NAMES, "status", "on_shelf")
    status_name = Named(REWARD_STATUS_NAMES, "status", "上架", "上下架状态的中文名")


class RedeemSchema(ma.Schema):
    """How the caller collects the reward."""

    delivery = fields.String(
        required=True,
        validate=validate.OneOf(DELIVERIES),
        metadata={"description": "counter 到站领取 or locker 云柜自取", "example": COUNTER},
    )
    cabinet_id = Id(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "locker only: the cabinet the caller would like (staff choose otherwise)",
            "example": 1,
        },
    )


class RedemptionSchema(ma.Schema):
    """A redemption as its volunteer sees it: the QR token to show at the counter while it waits there."""

    id = fields.Integer(metadata={"example": 17})
    reward_id = fields.Integer(metadata={"example": 3})
    reward_name = fields.String(attribute="reward.name", metadata={"example": "洗衣液2kg"})
    points = fields.Integer(metadata={"description": "points it took", "example": 50})
    delivery = Enum(DELIVERY_NAMES, "delivery", COUNTER)
    delivery_name = Named(DELIVERY_NAMES, "delivery", "到站领取", "领取方式的中文名")
    status = Enum(REDEMPTION_STATUS_NAMES, "status", "reserved")
    status_name = Named(REDEMPTION_STATUS_NAMES, "status", "待领取", "兑换状态的中文名")
    qr_token = fields.String(
        allow_none=True,
        metadata={
            "description": "what the QR code shown at the counter carries (staff scan it: 核销); only while "
            "it waits at the counter, for the caller's eyes only",
            "example": "123.q7Vn2cXy8Jr0bT1mK4sZ9w",
        },
    )
    cabinet_id = fields.Integer(
        allow_none=True, metadata={"description": "locker: the cabinet", "example": 1}
    )
    deposit_id = fields.Integer(
        allow_none=True,
        metadata={
            "description": "locker: the deposit once the item is in the cabinet (its pickup code: GET "
            "/lockers/deposits/mine)",
            "example": 42,
        },
    )
    collect_by = When(
        "collect_by", "2026-12-14T01:00:00+00:00", "collect it by then, else it is cancelled (UTC)"
    )
    collect_by_local = LocalWhen("collect_by", "2026-12-14T09:00:00+08:00", "the same in Beijing time")
    created_at = When("created_at", "2026-12-07T01:00:00+00:00", "when it was redeemed (UTC)")
    fulfilled_at = When(
        "fulfilled_at", "2026-12-07T02:00:00+00:00", "when it was handed over (UTC)", allow_none=True
    )
    cancelled_at = When(
        "cancelled_at", "2026-12-08T02:00:00+00:00", "when it was cancelled (UTC)", allow_none=True
    )
    cancel_reason = fields.String(metadata={"description": "why it was cancelled", "example": ""})


class StaffRedemptionSchema(ma.Schema):
    """A redemption in the staff's queue: the volunteer's name masked, never the QR token."""

    id = fields.Integer(metadata={"example": 17})
    community_id = fields.Integer(metadata={"example": 1})
    user_id = fields.Integer(metadata={"description": "the volunteer's user", "example": 8})
    volunteer_name = fields.String(metadata={"description": "masked", "example": "周**"})
    reward_id = fields.Integer(metadata={"example": 3})
    reward_name = fields.String(attribute="reward.name", metadata={"example": "洗衣液2kg"})
    size = fields.String(attribute="reward.size", allow_none=True, metadata={"example": "M"})
    points = fields.Integer(metadata={"example": 50})
    delivery = Enum(DELIVERY_NAMES, "delivery", COUNTER)
    delivery_name = Named(DELIVERY_NAMES, "delivery", "到站领取", "领取方式的中文名")
    status = Enum(REDEMPTION_STATUS_NAMES, "status", "reserved")
    status_name = Named(REDEMPTION_STATUS_NAMES, "status", "待领取", "兑换状态的中文名")
    cabinet_id = fields.Integer(allow_none=True, metadata={"example": 1})
    deposit_id = fields.Integer(allow_none=True, metadata={"example": 42})
    collect_by = When("collect_by", "2026-12-14T01:00:00+00:00", "UTC")
    created_at = When("created_at", "2026-12-07T01:00:00+00:00", "UTC")
    fulfilled_at = When("fulfilled_at", "2026-12-07T02:00:00+00:00", "UTC", allow_none=True)
    cancelled_at = When("cancelled_at", "2026-12-08T02:00:00+00:00", "UTC", allow_none=True)
    cancel_reason = fields.String(metadata={"example": "物品破损"})


class FulfilByTokenSchema(ma.Schema):
    """What staff scanned off the volunteer's QR code."""

    token = Text(64, "123.q7Vn2cXy8Jr0bT1mK4sZ9w", "the redemption's QR token", minimum=1, required=True)


class RedemptionDepositSchema(ma.Schema):
    cabinet_id = Id(
        load_default=None,
        allow_none=True,
        metadata={"description": "the cabinet (default: the one the volunteer chose)", "example": 1},
    )


class StaffCancelSchema(ma.Schema):
    reason = Text(200, "物品已损坏，无法兑换", "why (the volunteer is told)", minimum=1, required=True)


class QueueArgsSchema(PageArgsSchema):
    status = fields.String(
        load_default="reserved",
        validate=validate.OneOf(QUEUE_STATUSES),
        metadata={
            "description": "reserved (the queue, oldest first; default), another status or all",
            "example": "reserved",
        },
    )
