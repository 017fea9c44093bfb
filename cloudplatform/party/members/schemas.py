"""What the API says of units, reports, posts and claims."""

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.pagination import PageArgsSchema
from cloudplatform.party.models import (
    CLAIM_STATUS_NAMES,
    PENDING,
    REPORT_STATUS_NAMES,
    UNIT_KINDS,
)
from cloudplatform.privacy import mask_name
from cloudplatform.schemas import Id, QueryId


def Names(names: dict[str, str], description: str, example: str):
    """The Chinese name of a record's status or kind (its ``attribute``)."""
    return {
        "type": "string",
        "enum": list(names.values()),
        "description": description,
        "example": example,
    }


class UnitSchema(ma.Schema):
    """A unit's party organisation members may report as."""

    id = fields.Integer(metadata={"example": 3})
    name = fields.String(metadata={"example": "国网宝鸡供电公司"})
    branch = fields.String(
        metadata={"description": "党组织名称", "example": "国网宝鸡供电公司机关第一党支部"}
    )
    kind = fields.String(
        validate=validate.OneOf(list(UNIT_KINDS)),
        metadata={"description": "stationed 驻地单位, paired 结对单位", "example": "stationed"},
    )
    kind_name = fields.Function(lambda u: UNIT_KINDS[u.kind], metadata=Names(UNIT_KINDS, "类型", "驻地单位"))
    agreement_starts = fields.Date(
        allow_none=True, metadata={"description": "共建协议起", "example": "2026-01-01"}
    )
    agreement_ends = fields.Date(
        allow_none=True, metadata={"description": "共建协议止", "example": "2026-12-31"}
    )
    commitments = fields.List(
        fields.String(),
        metadata={
            "description": "承诺服务项目 of the co-building agreement",
            "example": ["四点半课堂", "义务维修"],
        },
    )


class UnitListArgsSchema(PageArgsSchema):
    community_id = QueryId("the community (one of the caller's)", required=True)


class ReportCreateSchema(ma.Schema):
    community_id = Id(
        required=True, metadata={"description": "the community the caller lives in", "example": 1}
    )
    unit_id = Id(required=True, metadata={"description": "one of GET /party/units", "example": 3})
    real_name = fields.String(required=True, validate=validate.Length(1, 32), metadata={"example": "李建国"})
    position = fields.String(
        load_default="",
        validate=validate.Length(max=32),
        metadata={"description": "单位职务", "example": "科员"},
    )


class ReportSchema(ma.Schema):
    """The member's own view of a report (报到)."""

    id = fields.Integer(metadata={"example": 12})
    community_id = fields.Integer(metadata={"example": 1})
    community_name = fields.String(attribute="community.name", metadata={"example": "火炬路社区"})
    unit_id = fields.Integer(metadata={"example": 3})
    unit_name = fields.String(attribute="unit.name", metadata={"example": "国网宝鸡供电公司"})
    real_name = fields.Function(lambda r: r.real_name, metadata={"type": "string", "example": "李建国"})
    position = fields.String(metadata={"example": "科员"})
    status = fields.String(
        validate=validate.OneOf(list(REPORT_STATUS_NAMES)),
        metadata={
            "description": "pending 待审核, approved 已报到, rejected 未通过, revoked 已撤销, lapsed 已失效 "
            "(not reconfirmed within the year)",
            "example": "approved",
        },
    )
    status_name = fields.Function(
        lambda r: REPORT_STATUS_NAMES[r.status], metadata=Names(REPORT_STATUS_NAMES, "状态的中文名", "已报到")
    )
    reason = fields.String(
        metadata={"description": "why it was rejected or revoked (empty otherwise)", "example": ""}
    )
    created_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:30:00+00:00"})
    decided_at = fields.DateTime(
        allow_none=True, metadata={"description": "UTC; null while pending", "example": None}
    )
    confirmed_until = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "UTC: an approved report lapses then unless reconfirmed (POST /party/reports/mine/"
            "reconfirm); a reminder comes a month before",
            "example": "2027-12-07T00:30:00+00:00",
        },
    )


class StaffReportSchema(ReportSchema):
    """Staff lists show the name masked; GET /staff/party/reports/{id} shows it whole (and is audited)."""

    real_name = fields.Function(
        lambda r: mask_name(r.real_name),
        metadata={"type": "string", "description": "masked", "example": "李**"},
    )


class StaffReportDetailSchema(ReportSchema):
    """One report in full for its reviewer."""


class StaffReportArgsSchema(PageArgsSchema):
    status = fields.String(
        load_default=PENDING,
        validate=validate.OneOf(list(REPORT_STATUS_NAMES)),
        metadata={"example": PENDING},
    )
    community_id = QueryId("only this community (one in the caller's scope)")


class ReportDecisionSchema(ma.Schema):
    approve = fields.Boolean(
        required=True, metadata={"description": "true approves, false rejects", "example": True}
    )
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={
            "description": "驳回原因：驳回时必填。Required when approve is false (422 REASON_REQUIRED)",
            "example": "",
        },
    )


class ReasonSchema(ma.Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(1, 200),
        metadata={"description": "撤销原因 (the member reads it)", "example": "已调离该单位"},
    )


class ClaimSchema(ma.Schema):
    """A member's claim of a post."""

    id = fields.Integer(metadata={"example": 5})
    post_id = fields.Integer(metadata={"example": 2})
    post_title = fields.String(attribute="post.title", metadata={"example": "楼栋党员联络员"})
    status = fields.String(
        validate=validate.OneOf(list(CLAIM_STATUS_NAMES)),
        metadata={"description": "claimed 待确认, confirmed 在岗, released 已释放", "example": "claimed"},
    )
    status_name = fields.Function(
        lambda c: CLAIM_STATUS_NAMES[c.status], metadata=Names(CLAIM_STATUS_NAMES, "状态的中文名", "待确认")
    )
    created_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:30:00+00:00"})


class StaffClaimSchema(ClaimSchema):
    user_id = fields.Integer(metadata={"example": 41})
    member = fields.Function(
        lambda c: mask_name(c.user.nickname),
        metadata={"type": "string", "description": "masked", "example": "李**"},
    )


class OwnClaimSchema(ma.Schema):
    id = fields.Integer(metadata={"example": 5})
    status = fields.String(metadata={"description": "claimed 待确认, confirmed 在岗", "example": "claimed"})


class PostSchema(ma.Schema):
    """A standing duty of the community (岗位) and its free places."""

    id = fields.Integer(metadata={"example": 2})
    community_id = fields.Integer(metadata={"example": 1})
    title = fields.String(metadata={"example": "楼栋党员联络员"})
    duties = fields.String(metadata={"example": "联系本楼栋居民，收集诉求，每月走访一次"})
    headcount = fields.Integer(metadata={"description": "places", "example": 10})
    places_left = fields.Function(
        lambda p: p.headcount - p.claimed, metadata={"type": "integer", "example": 3}
    )
    starts_on = fields.Date(metadata={"example": "2026-01-01"})
    ends_on = fields.Date(metadata={"example": "2026-12-31"})
    my_claim = fields.Nested(
        OwnClaimSchema,
        allow_none=True,
        metadata={"description": "the caller's active claim of this post, or null"},
    )


class PostListArgsSchema(PageArgsSchema):
    community_id = QueryId("the community the caller reported to", required=True)


class ClaimDecisionSchema(ma.Schema):
    confirm = fields.Boolean(
        required=True,
        metadata={"description": "true: on post; false: turned down (the place goes back)", "example": True},
    )


class PostHoursSchema(ma.Schema):
    month = fields.Date(
        required=True,
        metadata={
            "description": "any day of the month served (the month's first day is kept)",
            "example": "2026-11-01",
        },
    )
    minutes = fields.Integer(
        strict=True, required=True, validate=validate.Range(1, 1440 * 31), metadata={"example": 480}
    )
    note = fields.String(load_default="", validate=validate.Length(max=200), metadata={"example": "每周两次"})


class PostHoursResultSchema(ma.Schema):
    id = fields.Integer(metadata={"example": 9})
    claim_id = fields.Integer(metadata={"example": 5})
    served_on = fields.Date(metadata={"description": "the month's first day", "example": "2026-11-01"})
    minutes = fields.Integer(metadata={"example": 480})
