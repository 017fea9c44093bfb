import re

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.pagination import PageArgsSchema
from cloudplatform.schemas import PRINTABLE, ListedSchema, QueryId

EXCERPT_LENGTH = 60
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(value: str) -> None:
    """Refuse control characters (PostgreSQL cannot even compare text with NUL in it): ``PRINTABLE``."""
    if CONTROL.search(value):
        raise ma.ValidationError("不能包含控制字符")


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class GuideListArgsSchema(PageArgsSchema):
    q = fields.String(
        load_default="",
        validate=[validate.Length(max=50), printable],
        metadata={
            "description": "搜索词：标题、用途、条件、材料中的文字 words in the title, purpose, "
            "eligibility or materials; printable characters only",
            "pattern": PRINTABLE,
            "example": "老年证",
        },
    )
    community_id = QueryId("only this community's guides")
    category = fields.String(
        load_default=None,
        validate=[validate.Length(max=32), printable],
        metadata={
            "description": "one category of GET /services/guides/categories",
            "pattern": PRINTABLE,
            "example": "老龄服务",
        },
    )


class CategoryArgsSchema(PageArgsSchema):
    community_id = QueryId("only this community's guides")


class GuideListItemSchema(ListedSchema):
    id = fields.Integer(metadata={"example": 12})
    title = fields.String(metadata={"example": "老年证办理"})
    category = fields.String(metadata={"example": "老龄服务"})
    community_id = fields.Integer(metadata={"example": 1})
    purpose_excerpt = fields.Function(
        lambda g: excerpt(g.purpose),
        metadata={
            "type": "string",
            "maxLength": EXCERPT_LENGTH,
            "description": "the start of the purpose, for the list",
            "example": "为年满60周岁老年人办理老年优待证",
        },
    )
    has_booking = fields.Function(
        lambda g: g.bookable_id is not None,
        metadata={"type": "boolean", "description": "a service to book is linked", "example": True},
    )


class BookableRefSchema(ma.Schema):
    id = fields.Integer(metadata={"description": "for GET /services/bookables/{id}/slots", "example": 2})
    name = fields.String(metadata={"example": "老年证办理"})


class GuideAttachmentSchema(ma.Schema):
    """A file attached to a guide."""

    name = fields.String(metadata={"example": "老年优待证申请表.docx"})
    url = fields.String(
        metadata={
            "description": "its download address (no login needed: guides are public)",
            "example": "https://api.example.cn/api/v1/services/guides/12/attachments/7",
        }
    )
    size = fields.Integer(metadata={"description": "bytes", "example": 48213})
    content_type = fields.String(
        metadata={
            "description": "application/pdf, image/jpeg, image/png, text/plain, .docx or .xlsx",
            "example": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    )


class GuideSchema(ma.Schema):
    """A guide in full: what it is for, who qualifies, what to bring, where, when and whom to call."""

    id = fields.Integer(metadata={"example": 12})
    community_id = fields.Integer(metadata={"example": 1})
    category = fields.String(metadata={"example": "老龄服务"})
    title = fields.String(metadata={"example": "老年证办理"})
    purpose = fields.String(
        metadata={"example": "为年满60周岁老年人办理老年优待证，凭证享受公交、景区等优待。"}
    )
    eligibility = fields.String(metadata={"example": "年满60周岁、户籍或居住在本社区的老年人"})
    materials = fields.List(
        fields.String(metadata={"example": "身份证"}),
        metadata={"description": "the checklist, one item each", "example": ["身份证", "户口簿", "一寸照片"]},
    )
    location = fields.String(metadata={"example": "社区服务中心一楼 2 号窗口"})
    hours = fields.String(metadata={"example": "周一至周五 9:00-12:00"})
    contact_name = fields.String(metadata={"example": "王老师"})
    contact_phone = fields.String(metadata={"example": "0917-3211234"})
    updated_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-11-30T02:00:00+00:00"})
    bookable = fields.Nested(
        BookableRefSchema, allow_none=True, metadata={"description": "the service to book for it, or null"}
    )
    attachments = fields.List(
        fields.Nested(GuideAttachmentSchema), metadata={"description": "files to download, at most 10"}
    )

    @ma.pre_dump
    def with_bookable(self, found: dict, **kwargs) -> dict:
        """Dump ``{"guide": guide, "bookable": bookable or None, "attachments": [...]}`` as one object."""
        names = [name for name in self.dump_fields if name not in ("bookable", "attachments")]
        return {
            **{name: getattr(found["guide"], name) for name in names},
            "bookable": found["bookable"],
            "attachments": found.get("attachments", []),
        }


class CategoryCountSchema(ma.Schema):
    category = fields.String(metadata={"example": "老龄服务"})
    count = fields.Integer(metadata={"description": "published guides in it", "example": 3})
