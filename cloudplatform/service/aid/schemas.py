"""What the API says of 困难救助: categories, the applicant's own cases, the public 公示 list, and the
staff's queue and full record. Lists mask names, phones and ID numbers; the ID number is never shown in
full here (only ``POST /staff/aid-applications/{id}/id-number`` gives it, audited)."""

from typing import Any

import marshmallow as ma
from flask import url_for
from flask_smorest.fields import Upload as UploadField
from marshmallow import fields, validate

from cloudplatform.clock import local, now
from cloudplatform.pagination import PageArgsSchema
from cloudplatform.privacy import mask_name, mask_phone
from cloudplatform.schemas import Id, ListedSchema, QueryId
from cloudplatform.service.aid.models import (
    FLAG_NAMES,
    OPEN,
    PUBLICITY,
    STATUS_NAMES,
    STEP_NAMES,
    AidApplication,
    AidStep,
)
from cloudplatform.service.aid.operations import working_days_left as days_left

MAX_AMOUNT = 100_000_000  # fen: one million yuan, above any category's ceiling
DECISIONS = ("accept", "request_materials", "publicize", "forward", "reject", "grant", "emergency")


def Text(max_length: int, example: str, *, required: bool = False, min_length: int = 0, **metadata):
    """A string of at most ``max_length`` characters (control characters are refused for every field)."""
    return fields.String(
        validate=validate.Length(min_length, max_length),
        metadata={"example": example, **metadata},
        **({"required": True} if required else {"load_default": ""} if not min_length else {}),
    )


def Fen(description: str, example: int | None, *, required: bool = False) -> fields.Integer:
    """An amount of money in fen (1 yuan = 100), a whole number from 0."""
    return fields.Integer(
        strict=True,
        validate=validate.Range(0, MAX_AMOUNT),
        metadata={"description": f"{description}（单位：分 fen）", "example": example},
        **({"required": True} if required else {"load_default": None, "allow_none": True}),
    )


def StatusName(attribute: str = "status"):
    return fields.Function(
        lambda obj: STATUS_NAMES[getattr(obj, attribute)],
        metadata={
            "type": "string",
            "enum": list(STATUS_NAMES.values()),
            "description": "状态的中文名",
            "example": "社区审核",
        },
    )


STATUS_DESCRIPTION = (
    "submitted 待受理, incomplete 待补正材料 (see `missing`), review 社区审核, publicity 公示中, "
    "street_review 街道审批, granted 已批准, rejected 未批准, withdrawn 已撤回"
)


def Status(**kwargs):
    return fields.String(
        validate=validate.OneOf(list(STATUS_NAMES)),
        metadata={"description": STATUS_DESCRIPTION, "example": "review"},
        **kwargs,
    )


# -- categories -----------------------------------------------------------------------------------------


class AidCategorySchema(ma.Schema):
    """A kind of aid one may apply for, with what to bring."""

    id = fields.Integer(metadata={"example": 2})
    key = fields.String(metadata={"example": "medical"})
    name = fields.String(metadata={"example": "医疗救助"})
    description = fields.String(metadata={"example": "自付医疗费用超出家庭承受能力的低收入家庭"})
    materials = fields.List(
        fields.String(),
        metadata={"description": "所需材料清单 the checklist", "example": ["身份证", "户口簿", "诊断证明"]},
    )
    needs_visit = fields.Boolean(metadata={"description": "需入户核查", "example": True})
    publicity_days = fields.Integer(metadata={"description": "公示天数；0 = 不公示", "example": 7})
    deadline_working_days = fields.Integer(metadata={"description": "办理时限（工作日）", "example": 15})
    emergency_allowed = fields.Boolean(metadata={"description": "可先行救助", "example": True})
    max_amount = fields.Integer(
        allow_none=True, metadata={"description": "救助金额上限（分）；null = 不设上限", "example": 3000000}
    )


# -- the applicant's input -------------------------------------------------------------------------------


class AidHouseholdMemberSchema(ma.Schema):
    """Another member of the applicant's household."""

    name = Text(32, "王小明", required=True, min_length=1)
    relation = Text(16, "子", required=True, min_length=1, description="与申请人关系")
    age = fields.Integer(
        strict=True,
        load_default=None,
        allow_none=True,
        validate=validate.Range(0, 150),
        metadata={"example": 9},
    )
    occupation = Text(32, "学生", description="职业")
    health = Text(64, "健康", description="健康状况")


class AidMaterialSchema(ma.Schema):
    upload_id = Id(required=True, metadata={"description": "an id of POST /services/uploads", "example": 31})
    material = Text(32, "身份证", required=True, min_length=1, description="它证明的清单项")


class MaterialsField(fields.List):
    """(upload id, checklist item) pairs for the operations."""

    def __init__(self, **kwargs):
        super().__init__(
            fields.Nested(AidMaterialSchema),
            load_default=list,
            validate=validate.Length(max=30),
            metadata={"description": "已上传的材料（每个文件只能用一次）"},
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        items: list[Any] = super()._deserialize(value, attr, data, **kwargs)
        return [(item["upload_id"], item["material"]) for item in items]


class AidApplySchema(ma.Schema):
    community_id = Id(
        required=True,
        metadata={"description": "the community the applicant is a verified resident of", "example": 1},
    )
    category_id = Id(
        required=True, metadata={"description": "one of GET /services/aid-categories", "example": 2}
    )
    applicant_name = Text(32, "李桂芳", required=True, min_length=1, description="申请人姓名")
    id_number = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9]{17}[0-9Xx]$", error="身份证号码格式不正确"),
        metadata={
            "description": "居民身份证号码 (18 characters; stored encrypted, shown masked)",
            "example": "610302199001011232",
        },
    )
    phone = fields.String(
        required=True,
        validate=validate.Regexp(r"^[0-9][0-9-]{4,19}$", error="电话号码格式不正确"),
        metadata={"description": "联系电话", "example": "13800001234"},
    )
    monthly_income = Fen("家庭月收入", 120000, required=True)
    situation = Text(
        2000, "丈夫因病去世，独自抚养两个孩子", required=True, min_length=1, description="家庭情况"
    )
    reason = Text(2000, "孩子住院，医疗费用无力承担", required=True, min_length=1, description="申请事由")
    household = fields.List(
        fields.Nested(AidHouseholdMemberSchema),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "家庭其他成员"},
    )
    amount_requested = Fen("申请金额", 300000)
    emergency_requested = fields.Boolean(
        load_default=False, metadata={"description": "申请先行救助（类别允许时）", "example": False}
    )
    materials = MaterialsField()


class AidResubmitSchema(ma.Schema):
    materials = MaterialsField()
    note = Text(500, "已补充诊断证明", description="补正说明")


class AidWithdrawSchema(ma.Schema):
    reason = Text(200, "家庭情况已好转", description="撤回原因")


# -- the applicant's view ----------------------------------------------------------------------------


class AidApplicationItemSchema(ListedSchema):
    """A case in the applicant's list: where it stands."""

    id = fields.Integer(metadata={"example": 12})
    category_id = fields.Integer(metadata={"example": 2})
    category_name = fields.String(attribute="category.name", metadata={"example": "医疗救助"})
    status = Status()
    status_name = StatusName()
    due_on = fields.Date(
        allow_none=True,
        metadata={
            "description": "办理期限（北京日期）；null while paused or decided",
            "example": "2026-12-28",
        },
    )
    submitted_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:00:00+00:00"})


class AidHistoryEntrySchema(ma.Schema):
    """One step of a case: what, when, by whom (a role, never a person's account), and why."""

    action = fields.String(
        validate=validate.OneOf(list(STEP_NAMES)),
        metadata={"description": "submit, accept, ...", "example": "accept"},
    )
    action_name = fields.String(
        metadata={"enum": list(STEP_NAMES.values()), "description": "环节名称", "example": "社区受理"}
    )
    by = fields.String(
        metadata={"description": "办理人：申请人 or the staff member's role", "example": "网格员"}
    )
    status = Status()
    status_name = fields.String(
        metadata={"enum": list(STATUS_NAMES.values()), "description": "该环节后的状态", "example": "社区审核"}
    )
    note = fields.String(metadata={"description": "说明", "example": "社区已受理，将进行审核"})
    at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T01:00:00+00:00"})


def history_of(application: AidApplication) -> list[dict]:
    """The submission, then every step, for the case's history."""
    entries = [
        {
            "action": "submit",
            "action_name": STEP_NAMES["submit"],
            "by": "申请人",
            "status": "submitted",
            "status_name": STATUS_NAMES["submitted"],
            "note": "",
            "at": application.submitted_at,
        }
    ]
    entries += [
        {
            "action": step.action,
            "action_name": STEP_NAMES.get(step.action, step.action),
            "by": step_actor(step),
            "status": step.to_status,
            "status_name": STATUS_NAMES[step.to_status],
            "note": step.note,
            "at": step.created_at,
        }
        for step in application.steps
    ]
    return entries


def step_actor(step: AidStep) -> str:
    if step.by_applicant or step.staff is None:
        return "申请人" if step.by_applicant else "系统"
    return step.staff.role_name


class AidFileSchema(ma.Schema):
    upload_id = fields.Integer(metadata={"example": 31})
    name = fields.String(attribute="upload.original_name", metadata={"example": "身份证.png"})
    content_type = fields.String(attribute="upload.content_type", metadata={"example": "image/png"})
    size = fields.Integer(attribute="upload.size", metadata={"example": 20480})
    kind = fields.String(
        validate=validate.OneOf(["material", "visit_photo"]),
        metadata={"description": "material 申请材料, visit_photo 入户核查照片", "example": "material"},
    )
    material = fields.String(metadata={"description": "它证明的清单项", "example": "身份证"})
    url = fields.Method(
        "file_url",
        metadata={
            "type": "string",
            "description": "下载地址 (only the applicant and the case's reviewers may download)",
            "example": "https://example.com/api/v1/services/aid-applications/12/files/31",
        },
    )
    endpoint = "aid.download_file"

    def file_url(self, file) -> str:
        return url_for(
            self.endpoint, application_id=file.application_id, upload_id=file.upload_id, _external=True
        )


class StaffAidFileSchema(AidFileSchema):
    endpoint = "aid_staff.download_staff_file"


class AidApplicationSchema(AidApplicationItemSchema):
    """The applicant's own case in full (the ID number masked), its history, files and what is missing."""

    community_id = fields.Integer(metadata={"example": 1})
    community_name = fields.String(attribute="community.name", metadata={"example": "火炬路社区"})
    applicant_name = fields.String(metadata={"example": "李桂芳"})
    id_number = fields.String(
        attribute="id_number_masked", metadata={"description": "masked", "example": "6103**********1232"}
    )
    phone = fields.String(metadata={"example": "13800001234"})
    room = fields.String(metadata={"example": "1-101"})
    household = fields.List(fields.Nested(AidHouseholdMemberSchema))
    monthly_income = fields.Integer(metadata={"description": "家庭月收入（分）", "example": 120000})
    situation = fields.String(metadata={"example": "丈夫因病去世，独自抚养两个孩子"})
    reason = fields.String(metadata={"example": "孩子住院，医疗费用无力承担"})
    amount_requested = fields.Integer(
        allow_none=True, metadata={"description": "申请金额（分）", "example": 300000}
    )
    emergency_requested = fields.Boolean(metadata={"example": False})
    missing = fields.List(
        fields.String(),
        metadata={
            "description": "需要补正的全部材料 (status incomplete; else empty)",
            "example": ["诊断证明"],
        },
    )
    proposed_amount = fields.Integer(
        allow_none=True, metadata={"description": "拟救助金额（分）", "example": 200000}
    )
    publicity_starts_on = fields.Date(allow_none=True, metadata={"example": "2026-12-09"})
    publicity_ends_on = fields.Date(allow_none=True, metadata={"example": "2026-12-15"})
    objection_count = fields.Function(
        lambda a: len(a.objections), metadata={"type": "integer", "description": "公示期异议数", "example": 1}
    )
    emergency_amount = fields.Integer(
        allow_none=True, metadata={"description": "先行救助金额（分）", "example": None}
    )
    granted_amount = fields.Integer(
        allow_none=True, metadata={"description": "批准金额（分）", "example": None}
    )
    granted_items = fields.String(metadata={"description": "实物救助", "example": ""})
    decision_reason = fields.String(metadata={"description": "驳回、撤回的原因", "example": ""})
    decided_at = fields.DateTime(allow_none=True, metadata={"description": "UTC", "example": None})
    history = fields.List(
        fields.Nested(AidHistoryEntrySchema), metadata={"description": "提交申请，然后每个办理环节"}
    )
    files = fields.List(fields.Nested(AidFileSchema))

    def get_attribute(self, obj, attr, default):
        if attr == "history":
            return history_of(obj)
        return super().get_attribute(obj, attr, default)


# -- 公示 ---------------------------------------------------------------------------------------------------


class AidPublicityArgsSchema(PageArgsSchema):
    community_id = QueryId("the community whose 公示 to list", required=True)


class AidPublicityItemSchema(ListedSchema):
    """A case in its 公示 period, as anyone may see it: the name masked, the building without the room."""

    id = fields.Integer(metadata={"example": 12})
    applicant_name = fields.Function(
        lambda a: mask_name(a.applicant_name),
        metadata={"type": "string", "description": "masked", "example": "李**"},
    )
    category_name = fields.String(attribute="category.name", metadata={"example": "医疗救助"})
    building_name = fields.String(attribute="building.name", metadata={"example": "3号楼"})
    proposed_amount = fields.Integer(
        allow_none=True, metadata={"description": "拟救助金额（分）", "example": 200000}
    )
    publicity_starts_on = fields.Date(
        metadata={"description": "公示开始（北京日期）", "example": "2026-12-09"}
    )
    publicity_ends_on = fields.Date(metadata={"description": "公示结束（含当日）", "example": "2026-12-15"})


class AidObjectionCreateSchema(ma.Schema):
    content = Text(1000, "申请人家中有门面房出租", required=True, min_length=1, description="异议内容")


class AidObjectionReceiptSchema(ma.Schema):
    """The objector's receipt: staff answer it before the case goes on."""

    id = fields.Integer(metadata={"example": 5})
    application_id = fields.Integer(metadata={"example": 12})
    content = fields.String(metadata={"example": "申请人家中有门面房出租"})
    created_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-09T02:00:00+00:00"})


# -- staff ------------------------------------------------------------------------------------------------


class AidStaffQueueArgsSchema(PageArgsSchema):
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(list(STATUS_NAMES)),
        metadata={"description": "only this status (default: all)", "example": "submitted"},
    )
    community_id = QueryId("only this community (one in the caller's scope)")


def today():
    return local(now()).date()


class StaffAidItemSchema(ListedSchema):
    """A case in the review queue: personal data masked, with the clock."""

    id = fields.Integer(metadata={"example": 12})
    community_id = fields.Integer(metadata={"example": 1})
    community_name = fields.String(attribute="community.name", metadata={"example": "火炬路社区"})
    category_name = fields.String(attribute="category.name", metadata={"example": "医疗救助"})
    applicant_name = fields.Function(
        lambda a: mask_name(a.applicant_name),
        metadata={"type": "string", "description": "masked", "example": "李**"},
    )
    phone = fields.Function(
        lambda a: mask_phone(a.phone),
        metadata={"type": "string", "description": "masked", "example": "138****1234"},
    )
    id_number = fields.String(
        attribute="id_number_masked", metadata={"description": "masked", "example": "6103**********1232"}
    )
    status = Status()
    status_name = StatusName()
    due_on = fields.Date(
        allow_none=True, metadata={"description": "办理期限（北京日期）", "example": "2026-12-28"}
    )
    working_days_left = fields.Function(
        lambda a: days_left(a),
        allow_none=True,
        metadata={
            "type": "integer",
            "nullable": True,
            "description": "剩余工作日（负数为已超期）；null while paused or decided",
            "example": 15,
        },
    )
    flag = fields.String(
        allow_none=True,
        validate=validate.OneOf(list(FLAG_NAMES)),
        metadata={"description": "due_soon 即将到期, overdue 已超期, or null", "example": None},
    )
    publicity_ends_on = fields.Date(
        allow_none=True,
        metadata={"description": "公示结束（含当日），未公示为 null", "example": "2026-12-15"},
    )
    publicity_over = fields.Function(
        lambda a: a.status == PUBLICITY and a.publicity_ends_on is not None and a.publicity_ends_on < today(),
        metadata={
            "type": "boolean",
            "description": "公示期满待报街道: in 公示 and its period has ended (forward it when answered)",
            "example": False,
        },
    )
    submitted_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-07T00:00:00+00:00"})


class AidStaffObjectionSchema(ma.Schema):
    id = fields.Integer(metadata={"example": 5})
    content = fields.String(metadata={"example": "申请人家中有门面房出租"})
    created_at = fields.DateTime(metadata={"description": "UTC", "example": "2026-12-09T02:00:00+00:00"})
    answer = fields.String(
        metadata={"description": "答复；empty until answered", "example": "经核查门面房已出售"}
    )
    answered_at = fields.DateTime(allow_none=True, metadata={"description": "UTC", "example": None})


class StaffAidApplicationSchema(AidApplicationSchema):
    """The full record for a reviewer of the case's community (the ID number still masked), audited."""

    working_days_left = StaffAidItemSchema._declared_fields["working_days_left"]
    flag = StaffAidItemSchema._declared_fields["flag"]
    visit_notes = fields.String(
        metadata={"description": "入户核查情况", "example": "入户核实：家中无其他收入"}
    )
    objections = fields.List(fields.Nested(AidStaffObjectionSchema))
    files = fields.List(fields.Nested(StaffAidFileSchema))


class AidDecisionSchema(ma.Schema):
    action = fields.String(
        required=True,
        validate=validate.OneOf(DECISIONS),
        metadata={
            "description": "accept 受理; request_materials 要求补正 (`missing`); publicize 进入公示 "
            "(`proposed_amount`); forward 报街道审批 (`proposed_amount` optional); reject 驳回 (`reason`); "
            "grant 批准 (`amount` and/or `items`, street or city only); emergency 先行救助 (`amount`, "
            "community admin up)",
            "example": "accept",
        },
    )
    step = fields.String(
        required=True,
        validate=validate.OneOf(list(OPEN)),
        metadata={
            "description": "the status the decider saw: a decision for a step the case has left answers 409 "
            "AID_WRONG_STEP",
            "example": "submitted",
        },
    )
    note = Text(500, "", description="说明（申请人可见）")
    missing = fields.List(
        Text(32, "诊断证明", min_length=1),
        load_default=list,
        validate=validate.Length(max=30),
        metadata={"description": "request_materials: every missing item at once", "example": ["诊断证明"]},
    )
    proposed_amount = Fen("拟救助金额", 200000)
    reason = Text(500, "", description="reject: 驳回原因")
    amount = Fen("grant / emergency: 救助金额", None)
    items = Text(200, "", description="grant: 实物救助")


class AidVisitSchema(ma.Schema):
    """multipart/form-data: the notes, and photos as files under ``photos`` (JPEG or PNG)."""

    notes = Text(2000, "入户核实：家中无其他收入", required=True, min_length=1, description="入户核查情况")
    photos = fields.List(
        UploadField(),
        load_default=list,
        metadata={"description": "入户照片 (JPEG or PNG, each at most UPLOAD_MAX_BYTES)"},
    )


class AidIdNumberPurposeSchema(ma.Schema):
    purpose = Text(100, "核对身份", required=True, min_length=1, description="查看目的（记入审计日志）")


class AidIdNumberSchema(ma.Schema):
    id_number = fields.String(metadata={"description": "in full", "example": "610302199001011232"})


class AidObjectionAnswerSchema(ma.Schema):
    answer = Text(1000, "经核查门面房已于去年出售", required=True, min_length=1, description="答复内容")
