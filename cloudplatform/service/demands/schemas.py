"""What the API says of 群众点单: the resident's own demands with their timeline, the public 四公开 view, and
the staff's and organisations' lists. The public view never names the resident; lists mask names; a
timeline names the role or the organisation that took a step, never a staff member's account."""

import marshmallow as ma
import sqlalchemy as sa
from flask import url_for
from flask_smorest.fields import Upload as UploadField
from marshmallow import fields, validate

from cloudplatform.extensions import db
from cloudplatform.identity.models import ORG_STAFF
from cloudplatform.pagination import PageArgsSchema
from cloudplatform.privacy import mask_name, mask_phone
from cloudplatform.schemas import Id, ListedSchema, QueryId
from cloudplatform.service.aid.schemas import Text
from cloudplatform.service.demands.models import (
    CATEGORIES,
    EVIDENCE,
    ORGANISATION_KINDS,
    PHOTO,
    STAGES,
    STATUS_NAMES,
    STEP_NAMES,
    Demand,
    DemandStep,
    Organisation,
    OrganisationStaff,
)

HELD_NOTE = "您的诉求内容需社区人工审核，审核通过后才会下单办理并公开"
STATUS_DESCRIPTION = (
    "submitted 待下单, dispatched 待接单, accepted 办理中, done 待验单, verified 待评价, rated 已评价, "
    "dismissed 不予受理, merged 已合并"
)
CATEGORY_DESCRIPTION = ", ".join(f"{key} {name}" for key, name in CATEGORIES.items())


def Status(**kwargs):
    return fields.String(
        validate=validate.OneOf(list(STATUS_NAMES)),
        metadata={"description": STATUS_DESCRIPTION, "example": "accepted", **kwargs.pop("metadata", {})},
        **kwargs,
    )


def Named(lookup: dict[str, str], attribute: str, example: str, description: str):
    """The Chinese name of a key (a status, a category, a stage)."""
    return fields.Function(
        lambda obj: lookup.get(getattr(obj, attribute)),
        allow_none=True,
        metadata={
            "type": "string",
            "nullable": True,
            "enum": [*dict.fromkeys(lookup.values()), None],
            "description": description,
            "example": example,
        },
    )


def stage_of(demand: Demand) -> str | None:
    return STAGES.get(demand.status)


STAGE = fields.Function(
    stage_of,
    allow_none=True,
    metadata={
        "type": "string",
        "nullable": True,
        "enum": [*STAGES.values(), None],
        "description": "五单环节 (null when dismissed or merged)",
        "example": "组织接单",
    },
)


# -- the resident's input --------------------------------------------------------------------------------


class DemandCreateSchema(ma.Schema):
    community_id = Id(
        required=True,
        metadata={"description": "a community the caller is a verified resident of", "example": 1},
    )
    category = fields.String(
        required=True,
        validate=validate.OneOf(list(CATEGORIES)),
        metadata={"description": CATEGORY_DESCRIPTION, "example": "elderly"},
    )
    title = Text(60, "楼道扶手松动", required=True, min_length=1, description="诉求标题")
    description = Text(
        2000, "3号楼2单元楼道扶手松动，老人上下楼不安全", required=True, min_length=1, description="诉求内容"
    )
    location = Text(100, "火炬路3号楼2单元", description="社区内的位置")
    photo_ids = fields.List(
        Id(),
        load_default=list,
        validate=validate.Length(max=9),
        metadata={"description": "照片：ids of POST /services/uploads (each used once)", "example": [31]},
    )


class DemandRatingSchema(ma.Schema):
    rating = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, 5),
        metadata={"description": "满意度 1-5", "example": 5},
    )
    comment = Text(200, "维修及时，很满意", description="评价")


class DemandReopenSchema(ma.Schema):
    reason = Text(500, "雨天扶手仍然松动", required=True, min_length=1, description="未解决的原因")


# -- the timeline and the files ----------------------------------------------------------------------------


class DemandStepSchema(ma.Schema):
    """One step: what, when, by whom (居民, a role, or an organisation's name; never an account), and why."""

    action = fields.String(
        validate=validate.OneOf(list(STEP_NAMES)),
        metadata={"description": "submit, dispatch, ...", "example": "accept"},
    )
    action_name = fields.String(
        metadata={"enum": list(STEP_NAMES.values()), "description": "环节名称", "example": "组织接单"}
    )
    by = fields.String(
        metadata={
            "description": "办理方：居民, the staff role, or the organisation",
            "example": "火炬路为老服务中心",
        }
    )
    status = Status()
    status_name = fields.String(
        metadata={"enum": list(STATUS_NAMES.values()), "description": "该环节后的状态", "example": "办理中"}
    )
    note = fields.String(metadata={"description": "说明", "example": ""})
    at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T02:00:00+00:00"})


def organisation_names(steps: list[DemandStep]) -> dict[int, str]:
    """The organisation each organisation worker among the steps' actors works for (one statement)."""
    workers = {s.staff_id for s in steps if s.staff is not None and s.staff.role == ORG_STAFF}
    if not workers:
        return {}
    rows = db.session.execute(
        sa.select(OrganisationStaff.staff_id, Organisation.name)
        .join(Organisation, Organisation.id == OrganisationStaff.organisation_id)
        .where(OrganisationStaff.staff_id.in_(workers))
    )
    return {staff_id: name for staff_id, name in rows}


def timeline_of(demand: Demand) -> list[dict]:
    steps = list(demand.steps)
    organisations = organisation_names(steps)
    return [
        {
            "action": step.action,
            "action_name": STEP_NAMES.get(step.action, step.action),
            "by": actor(step, organisations),
            "status": step.to_status,
            "status_name": STATUS_NAMES[step.to_status],
            "note": step.note,
            "at": step.created_at,
        }
        for step in steps
    ]


def actor(step: DemandStep, organisations: dict[int, str]) -> str:
    if step.staff is None:
        return "居民" if step.user_id else "系统"
    if step.staff.role == ORG_STAFF:
        return organisations.get(step.staff.id, "社会组织")
    return step.staff.role_name


class DemandFileSchema(ma.Schema):
    upload_id = fields.Integer(metadata={"example": 31})
    name = fields.String(attribute="upload.original_name", metadata={"example": "扶手.png"})
    content_type = fields.String(attribute="upload.content_type", metadata={"example": "image/png"})
    size = fields.Integer(attribute="upload.size", metadata={"example": 20480})
    kind = fields.String(
        validate=validate.OneOf([PHOTO, EVIDENCE]),
        metadata={"description": "photo 居民照片, evidence 组织办结凭证", "example": "photo"},
    )
    url = fields.Method(
        "file_url",
        metadata={
            "type": "string",
            "description": "下载地址 (the resident and the demand's staff)",
            "example": "https://example.com/api/v1/services/demands/12/files/31",
        },
    )
    endpoint = "demands.download_file"

    def file_url(self, file) -> str:
        return url_for(self.endpoint, demand_id=file.demand_id, upload_id=file.upload_id, _external=True)


class StaffDemandFileSchema(DemandFileSchema):
    endpoint = "demands_staff.download_staff_file"


# -- the 四公开 facts, shared by every view ----------------------------------------------------------------


class DemandFactsSchema(ListedSchema):
    """Where a demand stands and its 四公开 facts (set when it is dispatched)."""

    id = fields.Integer(metadata={"example": 12})
    community_id = fields.Integer(metadata={"example": 1})
    category = fields.String(
        validate=validate.OneOf(list(CATEGORIES)),
        metadata={"description": CATEGORY_DESCRIPTION, "example": "elderly"},
    )
    category_name = Named(CATEGORIES, "category", "为老", "类别")
    status = Status()
    status_name = Named(STATUS_NAMES, "status", "办理中", "状态的中文名")
    stage = STAGE
    project = fields.String(metadata={"description": "四公开：项目", "example": "楼道扶手维修"})
    organisation_name = fields.Function(
        lambda d: d.organisation.name if d.organisation else None,
        allow_none=True,
        metadata={
            "type": "string",
            "nullable": True,
            "description": "四公开：承办组织 (null until dispatched)",
            "example": "火炬路为老服务中心",
        },
    )
    funding_source = fields.String(
        metadata={"description": "四公开：资金来源", "example": "社区党组织服务群众经费"}
    )
    responsible_member = fields.String(metadata={"description": "四公开：责任党员", "example": "李建国"})
    deadline = fields.Date(
        allow_none=True, metadata={"description": "办理期限（北京日期）", "example": "2026-12-20"}
    )
    overdue = fields.Boolean(metadata={"description": "已超期", "example": False})
    rating = fields.Integer(
        allow_none=True, metadata={"description": "民评 1-5 (null until rated)", "example": None}
    )
    dispatched_at = fields.DateTime(
        allow_none=True, metadata={"description": "UTC", "example": "2026-12-07T02:00:00+00:00"}
    )


# -- the resident's view -----------------------------------------------------------------------------------


class DemandItemSchema(DemandFactsSchema):
    """A demand in its resident's list."""

    title = fields.String(metadata={"example": "楼道扶手松动"})
    held = fields.Boolean(metadata={"description": "内容待人工审核 (see held_note)", "example": False})
    held_note = fields.Function(
        lambda d: HELD_NOTE if d.held else "",
        metadata={"type": "string", "description": "审核说明 (empty unless held)", "example": ""},
    )
    submitted_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:00:00+00:00"})


class DemandSchema(DemandItemSchema):
    """The resident's own demand in full: the facts, the timeline and the files."""

    description = fields.String(metadata={"example": "3号楼2单元楼道扶手松动，老人上下楼不安全"})
    location = fields.String(metadata={"example": "火炬路3号楼2单元"})
    rating_comment = fields.String(metadata={"description": "评价", "example": ""})
    rated_at = fields.DateTime(allow_none=True, metadata={"description": "UTC", "example": None})
    verified_at = fields.DateTime(allow_none=True, metadata={"description": "UTC", "example": None})
    reopened = fields.Function(
        lambda d: d.reopened_at is not None,
        metadata={"type": "boolean", "description": "已重新办理过（只能一次）", "example": False},
    )
    merged_into_id = fields.Integer(
        allow_none=True, metadata={"description": "合并到的诉求 (status merged)", "example": None}
    )
    timeline = fields.List(fields.Nested(DemandStepSchema), metadata={"description": "每个办理环节"})
    files = fields.List(fields.Nested(DemandFileSchema))

    def get_attribute(self, obj, attr, default):
        if attr == "timeline":
            return timeline_of(obj)
        return super().get_attribute(obj, attr, default)


# -- 四公开 ------------------------------------------------------------------------------------------------


class PublicDemandArgsSchema(PageArgsSchema):
    community_id = QueryId("the community whose dispatched demands to list", required=True)


class PublicStepSchema(ma.Schema):
    """A step as anyone sees it: its name and date, nothing of who asked."""

    action = DemandStepSchema._declared_fields["action"]
    action_name = fields.Function(
        lambda step: STEP_NAMES.get(step.action, step.action),
        metadata={
            "type": "string",
            "enum": list(STEP_NAMES.values()),
            "description": "环节名称",
            "example": "组织接单",
        },
    )
    at = fields.DateTime(
        attribute="created_at", metadata={"description": "UTC", "example": "2026-12-07T02:00:00+00:00"}
    )


class PublicDemandItemSchema(DemandFactsSchema):
    """A dispatched demand in its community's public list: the 四公开 facts and where it stands now."""

    latest_step = fields.Nested(
        PublicStepSchema, allow_none=True, metadata={"description": "最近的办理环节与时间"}
    )


class PublicDemandSchema(DemandFactsSchema):
    """A dispatched demand's 四公开 view: the project, the organisation, the funding, the responsible party
    member, the stage and its progress, the rating. Never the resident's identity."""

    progress = fields.List(
        fields.Nested(PublicStepSchema), attribute="steps", metadata={"description": "办理进度：环节与时间"}
    )


# -- staff -----------------------------------------------------------------------------------------------


class StaffDemandArgsSchema(PageArgsSchema):
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(list(STATUS_NAMES)),
        metadata={"description": "only this status (default: all)", "example": "submitted"},
    )
    community_id = QueryId("only this community (one in the caller's scope)")


class OrgDemandArgsSchema(PageArgsSchema):
    status = StaffDemandArgsSchema._declared_fields["status"]


class StaffDemandItemSchema(DemandItemSchema):
    """A demand in a staff or organisation list: the resident's name masked."""

    resident_name = fields.Function(
        lambda d: mask_name(d.user.nickname),
        metadata={"type": "string", "description": "masked", "example": "周**"},
    )
    description = DemandSchema._declared_fields["description"]
    location = DemandSchema._declared_fields["location"]


class StaffDemandSchema(DemandSchema):
    """A demand in full for the staff of its community: the resident (the phone masked), the timeline and
    the files."""

    resident_name = fields.String(attribute="user.nickname", metadata={"example": "周桂兰"})
    resident_phone = fields.Function(
        lambda d: mask_phone(d.user.phone),
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": "masked", "example": "138****1234"},
    )
    organisation_id = fields.Integer(allow_none=True, metadata={"example": 3})
    files = fields.List(fields.Nested(StaffDemandFileSchema))


class OrganisationArgsSchema(PageArgsSchema):
    community_id = QueryId("the community the demand is of (one in the caller's scope)", required=True)


class OrganisationSchema(ma.Schema):
    """An organisation a demand of the community can be dispatched to."""

    id = fields.Integer(metadata={"example": 3})
    name = fields.String(metadata={"example": "火炬路社区为老服务中心"})
    kind = fields.String(
        validate=validate.OneOf(list(ORGANISATION_KINDS)),
        metadata={
            "description": "social 社区社会组织, volunteer_team 志愿服务队, party_unit 单位党组织",
            "example": "social",
        },
    )
    kind_name = Named(ORGANISATION_KINDS, "kind", "社区社会组织", "类型")
    service_areas = fields.List(
        fields.String(validate=validate.OneOf(list(CATEGORIES))),
        metadata={"description": "服务领域 (categories)", "example": ["elderly", "disability"]},
    )


def Step(example: str):
    return fields.String(
        required=True,
        validate=validate.OneOf(list(STATUS_NAMES)),
        metadata={
            "description": "the status the actor saw (a step the demand has left: 409 DEMAND_WRONG_STEP)",
            "example": example,
        },
    )


class DemandDispatchSchema(ma.Schema):
    step = Step("submitted")
    organisation_id = Id(
        required=True, metadata={"description": "an organisation serving the community", "example": 3}
    )
    deadline = fields.Date(
        required=True, metadata={"description": "办理期限（北京日期，不早于今天）", "example": "2026-12-20"}
    )
    funding_source = Text(100, "社区党组织服务群众经费", required=True, min_length=1, description="资金来源")
    responsible_member = Text(32, "李建国", required=True, min_length=1, description="责任党员")
    project = Text(100, "楼道扶手维修", description="项目名称 (default: the demand's title)")


class DemandReasonSchema(ma.Schema):
    step = Step("submitted")
    reason = Text(500, "不属于社区办理范围", required=True, min_length=1, description="原因")


class DemandMergeSchema(ma.Schema):
    into_id = Id(
        required=True, metadata={"description": "the open demand to merge this one into", "example": 11}
    )


class DemandSuperviseSchema(ma.Schema):
    comment = Text(500, "请于本周内完成", required=True, min_length=1, description="督办意见")


class DemandVerifySchema(ma.Schema):
    step = Step("done")
    note = Text(500, "现场查看，扶手已更换", description="验单意见")


class DemandStepOnlySchema(ma.Schema):
    step = Step("dispatched")


class DemandDoneSchema(ma.Schema):
    """multipart/form-data: what was done, and evidence files under ``evidence``."""

    note = Text(1000, "已更换扶手并加固", required=True, min_length=1, description="办理情况")
    step = fields.String(
        load_default="accepted",
        validate=validate.OneOf(["accepted"]),
        metadata={"description": "the status the worker saw (accepted, the default)", "example": "accepted"},
    )
    evidence = fields.List(
        UploadField(),
        load_default=list,
        metadata={"description": "办结凭证 (images, PDF or office files, each at most UPLOAD_MAX_BYTES)"},
    )
