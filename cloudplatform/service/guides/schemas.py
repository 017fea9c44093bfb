import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.pagination import PageArgsSchema

EXCERPT_LENGTH = 60


def printable(value: str) -> None:
    """Refuse control characters (PostgreSQL cannot even compare text with NUL in it)."""
    if not value.isprintable():
        raise ma.ValidationError("不能包含控制字符")


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


CommunityFilter = lambda: fields.Integer(  # noqa: E731
    load_default=None, validate=validate.Range(1, 2**31 - 1), metadata={"description": "one community"}
)


class GuideListArgsSchema(PageArgsSchema):
    q = fields.String(
        load_default="",
        validate=[validate.Length(max=50), printable],
        metadata={"description": "words in the title, purpose, eligibility or materials (e.g. 老年证)"},
    )
    community_id = CommunityFilter()
    category = fields.String(load_default=None, validate=[validate.Length(max=32), printable])


class CategoryArgsSchema(ma.Schema):
    community_id = CommunityFilter()


class GuideListItemSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    category = fields.String()
    community_id = fields.Integer()
    purpose_excerpt = fields.Function(lambda g: excerpt(g.purpose), metadata={"description": "short"})
    has_booking = fields.Function(
        lambda g: g.bookable_id is not None, metadata={"description": "a service to book is linked"}
    )


class BookableRefSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()


class GuideSchema(ma.Schema):
    """A guide in full: what it is for, who qualifies, what to bring, where, when and whom to call."""

    id = fields.Integer()
    community_id = fields.Integer()
    category = fields.String()
    title = fields.String()
    purpose = fields.String()
    eligibility = fields.String()
    materials = fields.List(fields.String(), metadata={"description": "the checklist, one item each"})
    location = fields.String()
    hours = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    updated_at = fields.DateTime()
    bookable = fields.Nested(
        BookableRefSchema, allow_none=True, metadata={"description": "the service to book for it, or null"}
    )

    @ma.pre_dump
    def with_bookable(self, found: dict, **kwargs) -> dict:
        """Dump ``{"guide": guide, "bookable": bookable or None}`` as one object."""
        names = [name for name in self.dump_fields if name != "bookable"]
        return {**{name: getattr(found["guide"], name) for name in names}, "bookable": found["bookable"]}


class CategoryCountSchema(ma.Schema):
    category = fields.String()
    count = fields.Integer()
