"""What the API says of 建言献策 and 信箱留言: the writer's own messages with their replies, the published
suggestions (their authors never named), and the staff inbox (the writer's name masked)."""

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.pagination import PageArgsSchema
from cloudplatform.privacy import mask_name
from cloudplatform.schemas import Id, QueryId
from cloudplatform.service.aid.schemas import Text
from cloudplatform.service.messages.models import KINDS, STATUS_NAMES

KIND_DESCRIPTION = "suggestion 建言献策, mailbox 信箱留言"
HELD_NOTE = "您的留言内容需社区人工审核"


def Kind(**kwargs):
    return fields.String(
        validate=validate.OneOf(list(KINDS)),
        metadata={"description": KIND_DESCRIPTION, "example": "suggestion"},
        **kwargs,
    )


def Status(**kwargs):
    return fields.String(
        validate=validate.OneOf(list(STATUS_NAMES)),
        metadata={"description": "waiting 待回复, replied 已回复", "example": "replied"},
        **kwargs,
    )


class MessageCreateSchema(ma.Schema):
    community_id = Id(
        required=True, metadata={"description": "a community the caller belongs to", "example": 1}
    )
    kind = Kind(required=True)
    content = Text(2000, "建议在小区增设电动车充电桩", required=True, min_length=1, description="内容")
    publish_consent = fields.Boolean(
        load_default=False,
        metadata={"description": "同意公开（建言献策：社区可公开建言及答复，不显示作者）", "example": True},
    )


class MessageSchema(ma.Schema):
    """A message of the caller's, with the reply."""

    id = fields.Integer(metadata={"example": 7})
    community_id = fields.Integer(metadata={"example": 1})
    kind = Kind()
    kind_name = fields.String(metadata={"enum": list(KINDS.values()), "example": "建言献策"})
    content = fields.String(metadata={"example": "建议在小区增设电动车充电桩"})
    held = fields.Boolean(metadata={"description": "内容待人工审核", "example": False})
    held_note = fields.Function(
        lambda m: HELD_NOTE if m.held else "",
        metadata={"type": "string", "description": "审核说明 (empty unless held)", "example": ""},
    )
    publish_consent = fields.Boolean(metadata={"description": "同意公开", "example": True})
    published = fields.Function(
        lambda m: m.published_at is not None,
        metadata={"type": "boolean", "description": "已公开", "example": False},
    )
    status = Status()
    status_name = fields.String(metadata={"enum": list(STATUS_NAMES.values()), "example": "已回复"})
    reply = fields.String(
        metadata={"description": "社区的回复 (empty until replied)", "example": "已列入明年计划"}
    )
    replied_at = fields.DateTime(
        allow_none=True, metadata={"description": "UTC", "example": "2026-12-08T02:00:00+00:00"}
    )
    created_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:00:00+00:00"})


class PublishedArgsSchema(PageArgsSchema):
    community_id = QueryId("the community whose published suggestions to list", required=True)


class PublishedMessageSchema(ma.Schema):
    """A published suggestion and its answer; the author is never named."""

    id = fields.Integer(metadata={"example": 7})
    content = fields.String(metadata={"example": "建议在小区增设电动车充电桩"})
    reply = fields.String(metadata={"example": "已列入明年计划"})
    created_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:00:00+00:00"})
    replied_at = fields.DateTime(
        allow_none=True, metadata={"description": "UTC", "example": "2026-12-08T02:00:00+00:00"}
    )
    published_at = fields.DateTime(
        allow_none=True, metadata={"description": "UTC", "example": "2026-12-08T03:00:00+00:00"}
    )


class InboxArgsSchema(PageArgsSchema):
    status = Status(load_default=None)
    kind = Kind(load_default=None)


class StaffMessageSchema(MessageSchema):
    """A message in the staff inbox: the writer's name masked."""

    writer_name = fields.Function(
        lambda m: mask_name(m.user.nickname),
        metadata={"type": "string", "description": "masked", "example": "周**"},
    )
    published_at = fields.DateTime(allow_none=True, metadata={"description": "UTC", "example": None})


class MessageReplySchema(ma.Schema):
    reply = Text(2000, "感谢建议，已列入明年计划", required=True, min_length=1, description="回复内容")
