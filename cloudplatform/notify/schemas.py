"""What the mini-program sends and gets about subscribe-message consents."""

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.notify.templates import TEMPLATES


class SubscriptionsSchema(ma.Schema):
    template_keys = fields.List(
        fields.String(
            validate=validate.Length(1, 32),
            metadata={
                "enum": list(TEMPLATES),
                "description": "; ".join(f"{key} {template.title}" for key, template in TEMPLATES.items()),
                "example": "residency_result",
            },
        ),
        required=True,
        validate=validate.Length(1, 10),
        metadata={
            "description": "the keys whose wx.requestSubscribeMessage answer was accept "
            "(422 UNKNOWN_TEMPLATE for others)"
        },
    )


class ConsentBalanceSchema(ma.Schema):
    consents = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={
            "description": "unused consents per template key: each message sent spends one",
            "example": {"residency_result": 1, "booking_reminder": 2},
        },
    )
