import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.schemas import ListedSchema, QueryId
from cloudplatform.service.notices.models import AUDIENCES


class NoticeListArgsSchema(PageArgsSchema):
    community_id = QueryId("only this community's notices (default: all of the caller's communities)")


class AttachmentSchema(ma.Schema):
    """A link (name and url only) or a file kept by the platform (with its size and content type)."""

    name = fields.String(metadata={"example": "报名表.docx"})
    url = fields.String(
        metadata={
            "description": "a link's https address; a file's download address, to fetch with "
            "`wx.downloadFile` and the caller's `Authorization: Bearer` header",
            "example": "https://api.example.cn/api/v1/services/notices/31/attachments/7",
        }
    )
    size = fields.Integer(metadata={"description": "bytes; files only", "example": 48213})
    content_type = fields.String(
        metadata={
            "description": "files only: application/pdf, image/jpeg, image/png, text/plain, .docx or .xlsx",
            "example": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    )


class NoticeSchema(ListedSchema):
    """A notice in the caller's list."""

    id = fields.Integer(metadata={"example": 31})
    community_id = fields.Integer(metadata={"example": 1})
    title = fields.String(metadata={"example": "关于开展冬季消防安全检查的通知"})
    summary = fields.String(
        metadata={
            "description": "the start of the body, for the list",
            "example": "各位居民：为做好冬季消防安全工作…",
        }
    )
    audience = fields.String(
        validate=validate.OneOf(AUDIENCES),
        metadata={
            "description": "all 全体居民, party_members 在职党员, volunteers 志愿者, grids 指定网格, "
            "buildings 指定楼栋",
            "example": "all",
        },
    )
    pinned = fields.Boolean(metadata={"description": "置顶: listed first", "example": False})
    publish_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:00:00+00:00"})
    expires_at = fields.DateTime(
        allow_none=True, metadata={"description": "UTC; null: does not expire", "example": None}
    )
    read = fields.Boolean(metadata={"description": "the caller has opened it", "example": False})


class NoticeDetailSchema(NoticeSchema):
    body = fields.String(
        metadata={"example": "各位居民：为做好冬季消防安全工作，社区将于 12 月 10 日起逐户检查。"}
    )
    attachments = fields.List(fields.Nested(AttachmentSchema), metadata={"description": "at most 10"})


class NoticePageSchema(page_schema(NoticeSchema, "NoticePageBase")):
    unread_count = fields.Integer(
        required=True,
        metadata={"description": "notices listed (all pages) that the caller has not opened", "example": 3},
    )
