import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.identity.models import APPROVED, MEMBER_ROLES, PENDING, REJECTED, ROLE_NAMES, STAFF_ROLES
from cloudplatform.pagination import PageArgsSchema
from cloudplatform.privacy import mask_name, mask_phone
from cloudplatform.schemas import Id, ListedSchema, QueryId

RESIDENCY_STATUS_NAMES = {PENDING: "待审核", APPROVED: "已通过", REJECTED: "未通过"}


def MaskedPhone(attribute: str) -> fields.Function:
    return fields.Function(
        lambda obj: mask_phone(getattr(obj, attribute)),
        allow_none=True,
        metadata={"type": "string", "description": "masked; null until bound", "example": "138****1234"},
    )


class LoginSchema(ma.Schema):
    code = fields.String(
        required=True,
        validate=validate.Length(1, 128),
        metadata={
            "description": "the code of wx.login() (used once, valid 5 minutes)",
            "example": "0a3Xk8ll2hYb1e",
        },
    )


class PhoneCodeSchema(ma.Schema):
    code = fields.String(
        required=True,
        validate=validate.Length(1, 128),
        metadata={
            "description": "the code of a getPhoneNumber button event",
            "example": "e31968a7f94cc5ee25f",
        },
    )


class UserSchema(ma.Schema):
    id = fields.Integer(metadata={"example": 42})
    nickname = fields.String(metadata={"example": "张秀兰"})
    phone = MaskedPhone("phone")


class LoginResultSchema(ma.Schema):
    token = fields.String(
        metadata={
            "description": "send as Authorization: Bearer <token>",
            "example": "Xv3q9m1Z0pL8sK2d7fJ4hG6aB5nC1eR0tY8uI3oP2wQ",
        }
    )
    expires_at = fields.DateTime(
        metadata={"description": "UTC; log in again after", "example": "2026-12-14T00:12:00+00:00"}
    )
    user = fields.Nested(UserSchema)


class MembershipSchema(ma.Schema):
    community_id = fields.Integer(metadata={"example": 1})
    community_name = fields.String(metadata={"example": "火炬路社区"})
    roles = fields.List(
        fields.String(
            validate=validate.OneOf(MEMBER_ROLES),
            metadata={
                "description": "resident 居民, party_member 在职党员, volunteer 志愿者",
                "example": "resident",
            },
        )
    )


class StaffRoleSchema(ma.Schema):
    role = fields.String(
        validate=validate.OneOf(STAFF_ROLES),
        metadata={
            "description": "grid_worker 网格员, community_staff 社区工作人员, community_admin 社区管理员, "
            "street_admin 街道管理员, city_admin 市级管理员",
            "example": "grid_worker",
        },
    )
    role_name = fields.String(
        validate=validate.OneOf([ROLE_NAMES[r] for r in STAFF_ROLES]), metadata={"example": "网格员"}
    )
    community_id = fields.Integer(
        allow_none=True, metadata={"description": "null for street and city roles", "example": 1}
    )
    street_id = fields.Integer(
        allow_none=True, metadata={"description": "a street admin's street", "example": None}
    )


class MeSchema(ma.Schema):
    id = fields.Integer(metadata={"example": 42})
    nickname = fields.String(metadata={"example": "张秀兰"})
    phone = fields.String(
        allow_none=True, metadata={"description": "masked; null until bound", "example": "138****1234"}
    )
    communities = fields.List(fields.Nested(MembershipSchema), metadata={"description": "roles by community"})
    staff = fields.Nested(
        StaffRoleSchema, allow_none=True, metadata={"description": "the linked staff account, or null"}
    )


class PhoneSchema(ma.Schema):
    phone = fields.String(metadata={"description": "masked", "example": "138****1234"})


class ResidencyCreateSchema(ma.Schema):
    community_id = Id(required=True, metadata={"example": 1})
    building_id = Id(
        required=True, metadata={"description": "one of GET /communities/{id}/buildings", "example": 3}
    )
    room = fields.String(required=True, validate=validate.Length(1, 16), metadata={"example": "3单元502"})
    real_name = fields.String(required=True, validate=validate.Length(1, 32), metadata={"example": "刘洋"})


class ResidencySchema(ma.Schema):
    """The applicant's own view of a request."""

    id = fields.Integer(metadata={"example": 7})
    community_id = fields.Integer(metadata={"example": 1})
    community_name = fields.String(attribute="community.name", metadata={"example": "火炬路社区"})
    building_id = fields.Integer(metadata={"example": 3})
    building_name = fields.String(attribute="building.name", metadata={"example": "3号楼"})
    room = fields.String(metadata={"example": "3单元502"})
    real_name = fields.String(metadata={"example": "刘洋"})
    status = fields.String(
        validate=validate.OneOf(list(RESIDENCY_STATUS_NAMES)),
        metadata={"description": "pending 待审核, approved 已通过, rejected 未通过", "example": "pending"},
    )
    status_name = fields.Function(
        lambda r: RESIDENCY_STATUS_NAMES[r.status],
        metadata={"type": "string", "enum": list(RESIDENCY_STATUS_NAMES.values()), "example": "待审核"},
    )
    reason = fields.String(metadata={"description": "why it was rejected (empty otherwise)", "example": ""})
    created_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:30:00+00:00"})
    decided_at = fields.DateTime(
        allow_none=True, metadata={"description": "UTC; null while pending", "example": None}
    )


class ResidencyListItemSchema(ResidencySchema):
    """Staff lists show the name masked; opening one request shows it whole (and is audited)."""

    real_name = fields.Function(
        lambda r: mask_name(r.real_name),
        metadata={"type": "string", "description": "masked", "example": "刘*"},
    )


class ResidencyReviewSchema(ResidencySchema):
    user_phone = fields.Function(
        lambda r: r.user.phone,
        allow_none=True,
        metadata={
            "type": "string",
            "description": "the applicant's bound phone, whole",
            "example": "13800001234",
        },
    )


class ResidencyListArgsSchema(PageArgsSchema):
    status = fields.String(
        load_default=PENDING,
        validate=validate.OneOf(list(RESIDENCY_STATUS_NAMES)),
        metadata={"example": PENDING},
    )


class ResidencyDecisionSchema(ma.Schema):
    approve = fields.Boolean(
        required=True, metadata={"description": "true approves, false rejects", "example": False}
    )
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={
            "description": "驳回原因：驳回时必填。Required when approve is false (422 REASON_REQUIRED): the "
            "applicant reads it",
            "example": "楼栋信息与住址不符",
        },
    )


class NamedSchema(ma.Schema):
    id = fields.Integer(metadata={"example": 1})
    name = fields.String(metadata={"example": "第一网格"})


class CommunitySchema(ListedSchema):
    id = fields.Integer(metadata={"example": 1})
    name = fields.String(metadata={"example": "火炬路社区"})
    street_id = fields.Integer(metadata={"example": 1})
    street_name = fields.String(attribute="street.name", metadata={"example": "高新街道"})
    district_name = fields.String(attribute="street.district.name", metadata={"example": "渭滨区"})


class CommunityDetailSchema(CommunitySchema):
    address = fields.String(metadata={"example": "宝鸡市渭滨区火炬路 18 号"})
    phone = fields.String(metadata={"description": "the office's public number", "example": "0917-3211234"})
    office_hours = fields.String(metadata={"example": "周一至周五 8:30-12:00 14:30-18:00"})
    description = fields.String(metadata={"example": "火炬路社区位于高新区..."})
    grids = fields.List(fields.Nested(NamedSchema), metadata={"description": "the community's grids (网格)"})


class BuildingSchema(NamedSchema):
    name = fields.String(metadata={"example": "3号楼"})
    grid_id = fields.Integer(metadata={"example": 1})


class CommunityListArgsSchema(PageArgsSchema):
    street_id = QueryId("only this street's communities")
