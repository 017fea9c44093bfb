"""服务云 — 困难救助: residents apply for hardship aid with their uploaded materials, follow every step,
complete missing materials or withdraw; anyone reads a community's 公示 and its residents object; staff in
the field work the review queue, open the full record, visit, decide and answer objections."""

from flask import request

from cloudplatform.errors import Forbidden, PayloadTooLarge, Unprocessable
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.identity.models import StaffAccount
from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.service.aid import errors as e
from cloudplatform.service.aid import operations, queries, schemas
from cloudplatform.service.aid.models import AidApplication
from cloudplatform.service.uploads.errors import (
    AttachmentNotFound,
    UploadNotFound,
    UploadTooLarge,
    UploadTypeRefused,
)
from cloudplatform.service.uploads.queries import download
from cloudplatform.transaction import read_only
from miniprogram_api.auth import current_staff, current_user, login_required, public_rate_limit, rate_limited
from miniprogram_api.docs import Blueprint, errors, serves_files
from miniprogram_api.uploads import accepts_files

bp = Blueprint("aid", __name__, url_prefix="/api/v1/services", description="困难救助")
staff_bp = Blueprint(
    "aid_staff",
    __name__,
    url_prefix="/api/v1/staff",
    description="工作人员：困难救助审核",
    errors=(StaffOnly, Forbidden),
)


@bp.route("/aid-categories", methods=["GET"])
@login_required
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.AidCategorySchema, "AidCategoryPage"))
@read_only
def list_categories(args):
    """救助类别 The kinds of aid one may apply for

    The city's active categories in their order, each with the materials to bring (the checklist),
    whether a home visit and a 公示 (how many days) are part of its review, the working days it takes,
    whether aid may be granted first (先行救助) and its ceiling in fen.
    """
    items, cursor = queries.categories_page(args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/aid-applications", methods=["POST"])
@login_required
@idempotent
@errors(
    e.AidNotResident,
    e.AidCategoryNotFound,
    e.IdNumberInvalid,
    e.AidAlreadyOpen,
    UploadNotFound,
    e.AidTooManyFiles,
    e.AidAmountOverLimit,
    e.AidStepNotForCategory,
)
@bp.arguments(schemas.AidApplySchema)
@bp.response(201, schemas.AidApplicationItemSchema)
def apply(data):
    """申请困难救助 Apply for hardship aid

    For the household at the address the caller is a verified resident of in that community (403
    AID_NOT_RESIDENT otherwise), with materials uploaded first (POST /services/uploads; each the caller's
    own and used once, else 404 UPLOAD_NOT_FOUND; at most `AID_MAX_FILES`, 422 AID_TOO_MANY_FILES). One
    open application per household, and per person, in a category: 409 AID_ALREADY_OPEN. The ID number
    is checked (422 ID_NUMBER_INVALID), kept encrypted and only ever shown masked. Amounts are in fen,
    at most the category's ceiling (422 AID_AMOUNT_OVER_LIMIT); `emergency_requested` only where the
    category allows 先行救助 (409 AID_STEP_NOT_FOR_CATEGORY). The deadline (`due_on`) counts the
    category's working days from now.
    """
    materials = data.pop("materials")
    return operations.apply(current_user(), materials=materials, **data)


@bp.route("/aid-applications/mine", methods=["GET"])
@login_required
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.AidApplicationItemSchema, "AidApplicationPage"))
@read_only
def my_applications(args):
    """我的救助申请 The caller's applications

    Newest first: the category, where each stands (`status`, `status_name`) and its deadline. GET
    /services/aid-applications/{id} shows one in full with its history.
    """
    items, cursor = queries.my_applications_page(current_user(), args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/aid-applications/<id:application_id>", methods=["GET"])
@login_required
@errors(e.AidApplicationNotFound)
@bp.response(200, schemas.AidApplicationSchema)
@read_only
def my_application(application_id):
    """救助申请详情 One of the caller's applications in full

    The applicant's own data (the ID number masked), what is missing when staff asked for materials
    (`missing`), the materials with download links, how many objections 公示 raised (never who), and the
    history: the submission, then every step with its name, note, time and the role of whoever took it.
    Another user's application answers 404 AID_APPLICATION_NOT_FOUND.
    """
    return queries.load_own_application(current_user(), application_id)


@bp.route("/aid-applications/<id:application_id>/files/<id:upload_id>", methods=["GET"])
@login_required
@errors(e.AidApplicationNotFound, AttachmentNotFound)
@serves_files(bp)
@read_only
def download_file(application_id, upload_id):
    """下载申请材料 Download a file of one's application

    One of the application's materials or visit photos; any other file answers 404
    ATTACHMENT_NOT_FOUND.
    """
    application = queries.load_own_application(current_user(), application_id)
    return download(queries.load_file(application, upload_id))


@bp.route("/aid-applications/<id:application_id>/resubmit", methods=["POST"])
@login_required
@idempotent
@errors(e.AidApplicationNotFound, e.AidWrongStep, UploadNotFound, e.AidTooManyFiles)
@bp.arguments(schemas.AidResubmitSchema)
@bp.response(200, schemas.AidApplicationSchema)
def resubmit(data, application_id):
    """补正材料后重新提交 Complete the materials and resubmit

    For an application waiting for materials (status `incomplete`, else 409 AID_WRONG_STEP): the newly
    uploaded materials are attached and it goes back to the community (`submitted`); the deadline's
    clock runs again from where it paused.
    """
    user = current_user()
    application = queries.load_own_application(user, application_id)
    operations.resubmit(user, application, data["materials"], data["note"])
    return queries.reloaded(application)


@bp.route("/aid-applications/<id:application_id>/withdraw", methods=["POST"])
@login_required
@idempotent
@errors(e.AidApplicationNotFound, e.AidWrongStep)
@bp.arguments(schemas.AidWithdrawSchema)
@bp.response(200, schemas.AidApplicationSchema)
def withdraw(data, application_id):
    """撤回救助申请 Withdraw an application

    Until it is decided (granted, rejected or withdrawn already: 409 AID_WRONG_STEP).
    """
    user = current_user()
    application = queries.load_own_application(user, application_id)
    operations.withdraw(user, application, data["reason"])
    return queries.reloaded(application)


@bp.route("/aid-publicity", methods=["GET"])
@rate_limited(public_rate_limit)
@bp.arguments(schemas.AidPublicityArgsSchema, location="query")
@bp.response(200, page_schema(schemas.AidPublicityItemSchema, "AidPublicityPage"))
@read_only
def publicity(args):
    """救助公示 Applications in their 公示 period

    A community's applications in 公示 (today within the period), newest first: the applicant's name
    masked, the category, the building (never the room), the proposed amount in fen and the period.
    Residents of the community may object (POST /services/aid-publicity/{id}/objections). No login
    needed.
    """
    items, cursor = queries.publicity_page(args["community_id"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/aid-publicity/<id:application_id>/objections", methods=["POST"])
@login_required
@idempotent
@errors(e.AidApplicationNotFound, e.AidNotResident, e.AidNotInPublicity)
@bp.arguments(schemas.AidObjectionCreateSchema)
@bp.response(201, schemas.AidObjectionReceiptSchema)
def object_to(data, application_id):
    """对公示提出异议 Object to an application in 公示

    By a resident of the application's community (403 AID_NOT_RESIDENT otherwise), while it is in its
    公示 period (409 AID_NOT_IN_PUBLICITY otherwise). Staff must answer every objection before the case
    goes on; the applicant learns how many objections there were, never from whom.
    """
    application = queries.load_application(application_id)
    return operations.object_to(current_user(), application, data["content"])


# -- staff --------------------------------------------------------------------------------------------


@staff_bp.route("/aid-applications", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.AidStaffQueueArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.StaffAidItemSchema, "StaffAidApplicationPage"))
@read_only
def queue(args):
    """救助审核列表 The review queue

    Applications in the caller's communities (of one status and community when given), newest first,
    with names, phones and ID numbers masked, the deadline and the working days left (negative when
    overdue) and the daily job's flag. Needs `aid.review` (grid workers up).
    """
    items, cursor = queries.staff_applications_page(
        current_staff(), args["status"], args["community_id"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor}


def staff_case(application_id: int) -> tuple[StaffAccount, AidApplication]:
    staff = current_staff()
    return staff, queries.load_staff_application(staff, application_id)


@staff_bp.route("/aid-applications/<id:application_id>", methods=["GET"])
@login_required
@errors(e.AidApplicationNotFound)
@staff_bp.response(200, schemas.StaffAidApplicationSchema)
def staff_application(application_id):
    """救助申请完整记录 One application in full, for its reviewer

    Name, phone, household, situation, materials and visit photos, the history and the objections with
    their answers; the ID number stays masked (POST .../id-number shows it). Every view is recorded in
    the audit log. Another community's application answers 404 AID_APPLICATION_NOT_FOUND.
    """
    staff, application = staff_case(application_id)
    operations.open_application(staff, application)
    return queries.reloaded(application)


@staff_bp.route("/aid-applications/<id:application_id>/id-number", methods=["POST"])
@login_required
@errors(e.AidApplicationNotFound)
@staff_bp.arguments(schemas.AidIdNumberPurposeSchema)
@staff_bp.response(200, schemas.AidIdNumberSchema)
def reveal_id_number(data, application_id):
    """查看身份证号码 The applicant's ID number in full

    For the case's reviewer, with the purpose of looking; who, when and why are recorded in the audit
    log.
    """
    staff, application = staff_case(application_id)
    return {"id_number": operations.reveal_id_number(staff, application, data["purpose"])}


@staff_bp.route("/aid-applications/<id:application_id>/decision", methods=["POST"])
@login_required
@errors(
    e.AidApplicationNotFound,
    e.AidWrongStep,
    e.AidStepNotForCategory,
    e.AidVisitRequired,
    e.AidMissingRequired,
    e.AidPublicityNotOver,
    e.AidObjectionsUnanswered,
    e.AidAmountOverLimit,
    e.AidEmergencyGranted,
    e.ReasonRequired,
)
@staff_bp.arguments(schemas.AidDecisionSchema)
@staff_bp.response(200, schemas.StaffAidApplicationSchema)
def decide(data, application_id):
    """救助审核决定 Take a step on an application

    `step` is the status the decider saw: when the case has left it (another decision came first) or the
    action does not follow from it (approval before review), 409 AID_WRONG_STEP and nothing changes.
    `accept` (submitted → review); `request_materials` lists every missing item at once (`missing`, 422
    AID_MISSING_REQUIRED when empty; the clock pauses); `publicize` opens 公示 with `proposed_amount`
    (after the home visit where the category needs one, 422 AID_VISIT_REQUIRED); `forward` sends it to
    the street once 公示 is over (409 AID_PUBLICITY_NOT_OVER) and every objection answered (409
    AID_OBJECTIONS_UNANSWERED), or from review for a category without 公示; `reject` needs a `reason`
    (only the street rejects at its step); `grant` (street and city admins: `aid.approve`) gives `amount`
    and/or `items`; `emergency` grants 先行救助 `amount` once where the category allows it (community
    admins up). A role without the right answers 403 FORBIDDEN. The applicant is told of each step.
    """
    staff, application = staff_case(application_id)
    decide_step(staff, application, data)
    return queries.reloaded(application)


def decide_step(staff: StaffAccount, application: AidApplication, data: dict) -> None:
    action, seen, note = data["action"], data["step"], data["note"]
    if action == "accept":
        operations.accept(staff, application, seen=seen, note=note)
    elif action == "request_materials":
        operations.request_materials(staff, application, data["missing"], seen=seen, note=note)
    elif action == "publicize":
        operations.publicize(staff, application, data["proposed_amount"], seen=seen, note=note)
    elif action == "forward":
        operations.forward(staff, application, data["proposed_amount"], seen=seen, note=note)
    elif action == "reject":
        operations.reject(staff, application, data["reason"], seen=seen)
    elif action == "grant":
        operations.grant(staff, application, data["amount"], data["items"], seen=seen, note=note)
    else:  # emergency: granted at whatever open step the decider saw, once
        if data["amount"] is None:
            raise e.AidMissingRequired.for_field("amount", "请填写先行救助金额")
        if application.status != seen:
            raise e.AidWrongStep(details={"status": application.status})
        operations.grant_emergency(staff, application, data["amount"], note=note)


@staff_bp.route("/aid-applications/<id:application_id>/visit", methods=["POST"])
@accepts_files("UPLOAD_FORM_MAX_BYTES")
@login_required
@errors(
    Unprocessable,
    PayloadTooLarge,
    e.AidApplicationNotFound,
    e.AidWrongStep,
    UploadTypeRefused,
    UploadTooLarge,
    e.AidTooManyFiles,
)
@staff_bp.arguments(schemas.AidVisitSchema, location="form", content_type="multipart/form-data")
@staff_bp.response(200, schemas.StaffAidApplicationSchema)
def record_visit(data, application_id):
    """入户核查 Record the home visit

    `multipart/form-data`: `notes` (what the visit found) and any number of `photos` (JPEG or PNG by
    content, else 422 UPLOAD_TYPE_REFUSED; each at most `UPLOAD_MAX_BYTES`, 422 UPLOAD_TOO_LARGE; the
    body at most `UPLOAD_FORM_MAX_BYTES` plus 64 KiB, else 413 PAYLOAD_TOO_LARGE; the case holds at most
    `AID_MAX_FILES` files, 422 AID_TOO_MANY_FILES). For a case in community review (409 AID_WRONG_STEP
    otherwise); the notes replace earlier ones, the photos are added.
    """
    staff, application = staff_case(application_id)
    photos = [(f.filename or "照片", f.read()) for f in request.files.getlist("photos")]
    operations.record_visit(staff, application, data["notes"], photos)
    return queries.reloaded(application)


@staff_bp.route("/aid-applications/<id:application_id>/objections/<id:objection_id>/answer", methods=["POST"])
@login_required
@errors(e.AidApplicationNotFound, e.AidObjectionNotFound, e.AidObjectionAnswered, e.ReasonRequired)
@staff_bp.arguments(schemas.AidObjectionAnswerSchema)
@staff_bp.response(200, schemas.AidStaffObjectionSchema)
def answer_objection(data, application_id, objection_id):
    """答复公示异议 Answer an objection

    Once (409 AID_OBJECTION_ANSWERED when it was answered, also by another staff member first): what was
    checked and what it changes. Every objection is answered before the case goes to the street.
    """
    staff, application = staff_case(application_id)
    return operations.answer_objection(staff, application, objection_id, data["answer"])


@staff_bp.route("/aid-applications/<id:application_id>/files/<id:upload_id>", methods=["GET"])
@login_required
@errors(e.AidApplicationNotFound, AttachmentNotFound)
@serves_files(staff_bp)
@read_only
def download_staff_file(application_id, upload_id):
    """下载救助申请材料 Download a file of a case

    One of the case's materials or visit photos, for its reviewers; any other file answers 404
    ATTACHMENT_NOT_FOUND.
    """
    _, application = staff_case(application_id)
    return download(queries.load_file(application, upload_id))
