import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.service.notices.models import AUDIENCES


class NoticeListArgsSchema(PageArgsSchema):
    community_id = fields.Integer(
        load_default=None,
        validate=validate.Range(1, 2**31 - 1),
        metadata={"description": "only this community's notices (default: all of the caller's communities)"},
    )


class AttachmentSchema(ma.Schema):
    name = fields.String()
    url = fields.String(metadata={"description": "https address"})


class NoticeSchema(ma.Schema):
    """A notice in the caller's list."""

    id = fields.Integer()
    community_id = fields.Integer()
    title = fields.String()
    summary = fields.String(metadata={"description": "the start of the body, for the list"})
    audience = fields.String(validate=validate.OneOf(AUDIENCES))
    pinned = fields.Boolean()
    publish_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    read = fields.Boolean(metadata={"description": "the caller has opened it"})


class NoticeDetailSchema(NoticeSchema):
    body = fields.String()
    attachments = fields.List(fields.Nested(AttachmentSchema))


class NoticePageSchema(page_schema(NoticeSchema, "NoticePageBase")):
    unread_count = fields.Integer(
        metadata={"description": "notices listed (all pages) that the caller has not opened"}
    )
