import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.pagination import PageArgsSchema
from cloudplatform.privacy import mask_name, mask_phone
from cloudplatform.schemas import Id


class LoginSchema(ma.Schema):
    code = fields.String(required=True, validate=validate.Length(1, 128))


class PhoneCodeSchema(ma.Schema):
    code = fields.String(required=True, validate=validate.Length(1, 128))


class UserSchema(ma.Schema):
    id = fields.Integer()
    nickname = fields.String()
    phone = fields.Function(lambda user: mask_phone(user.phone), metadata={"description": "masked"})


class LoginResultSchema(ma.Schema):
    token = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(UserSchema)


class MembershipSchema(ma.Schema):
    community_id = fields.Integer()
    community_name = fields.String()
    roles = fields.List(fields.String())


class StaffRoleSchema(ma.Schema):
    role = fields.String()
    role_name = fields.String()
    community_id = fields.Integer(allow_none=True)
    street_id = fields.Integer(allow_none=True)


class MeSchema(ma.Schema):
    id = fields.Integer()
    nickname = fields.String()
    phone = fields.String(allow_none=True, metadata={"description": "masked"})
    communities = fields.List(fields.Nested(MembershipSchema))
    staff = fields.Nested(StaffRoleSchema, allow_none=True)


class PhoneSchema(ma.Schema):
    phone = fields.String(metadata={"description": "masked, e.g. 138****0000"})


class ResidencyCreateSchema(ma.Schema):
    community_id = Id(required=True)
    building_id = Id(required=True)
    room = fields.String(required=True, validate=validate.Length(1, 16))
    real_name = fields.String(required=True, validate=validate.Length(1, 32))


class ResidencySchema(ma.Schema):
    """The applicant's own view of a request."""

    id = fields.Integer()
    community_id = fields.Integer()
    community_name = fields.Function(lambda r: r.community.name)
    building_id = fields.Integer()
    building_name = fields.Function(lambda r: r.building.name)
    room = fields.String()
    real_name = fields.String()
    status = fields.String()
    reason = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class ResidencyListItemSchema(ResidencySchema):
    """Staff lists show the name masked; opening one request shows it whole (and is audited)."""

    real_name = fields.Function(lambda r: mask_name(r.real_name))


class ResidencyReviewSchema(ResidencySchema):
    user_phone = fields.Function(lambda r: r.user.phone)


class ResidencyListArgsSchema(PageArgsSchema):
    status = fields.String(
        load_default="pending", validate=validate.OneOf(["pending", "approved", "rejected"])
    )


class ResidencyDecisionSchema(ma.Schema):
    approve = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class SubscriptionsSchema(ma.Schema):
    template_keys = fields.List(
        fields.String(validate=validate.Length(1, 32)), required=True, validate=validate.Length(1, 10)
    )


class ConsentBalanceSchema(ma.Schema):
    consents = fields.Dict(keys=fields.String(), values=fields.Integer())


class CommunitySchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    street_id = fields.Integer()
    street_name = fields.Function(lambda c: c.street.name)
    district_name = fields.Function(lambda c: c.street.district.name)


class CommunityDetailSchema(CommunitySchema):
    address = fields.String()
    phone = fields.String()
    office_hours = fields.String()
    description = fields.String()
    grids = fields.List(fields.Nested(lambda: NamedSchema()))


class NamedSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()


class BuildingSchema(NamedSchema):
    grid_id = fields.Integer()


class CommunityListArgsSchema(PageArgsSchema):
    street_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**31 - 1))
