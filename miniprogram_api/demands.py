"""服务云 — 群众点单: residents order help from their community and follow it through the 五单 steps,
rate it or reopen it; anyone reads the 四公开 view of a dispatched demand; staff dispatch, supervise,
verify or send back; organisations' workers accept, decline and report the work done."""

from flask import request

from cloudplatform.errors import Forbidden, PayloadTooLarge, Unprocessable
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.content import ContentRisky
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.identity.models import StaffAccount
from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.service.demands import errors as e
from cloudplatform.service.demands import operations, queries, schemas
from cloudplatform.service.demands.models import Demand, DemandFile
from cloudplatform.service.uploads.errors import (
    AttachmentNotFound,
    UploadNotFound,
    UploadTooLarge,
    UploadTypeRefused,
)
from cloudplatform.service.uploads.queries import download, load_attached_upload
from cloudplatform.transaction import read_only
from miniprogram_api.auth import current_staff, current_user, login_required, public_rate_limit, rate_limited
from miniprogram_api.docs import Blueprint, errors, serves_files
from miniprogram_api.uploads import accepts_files

bp = Blueprint("demands", __name__, url_prefix="/api/v1/services", description="群众点单")
staff_bp = Blueprint(
    "demands_staff",
    __name__,
    url_prefix="/api/v1/staff",
    description="工作人员：群众点单（下单、接单、督单、验单）",
    errors=(StaffOnly, Forbidden),
)


# -- the resident --------------------------------------------------------------------------------------


@bp.route("/demands", methods=["POST"])
@login_required
@idempotent
@errors(e.DemandNotResident, ContentRisky, UploadNotFound)
@bp.arguments(schemas.DemandCreateSchema)
@bp.response(201, schemas.DemandSchema)
def submit(data):
    """群众点单 Order help from the community

    By a verified resident of the community (403 DEMAND_NOT_RESIDENT otherwise), with photos uploaded
    first (POST /services/uploads; each the caller's own and used once, else 404 UPLOAD_NOT_FOUND). The
    text goes through WeChat's content check: risky text is refused (422 CONTENT_RISKY); doubtful text
    is kept but held for staff review (`held: true`, `held_note` says so): it is neither dispatched nor
    public until staff release it. The community then dispatches it (社区下单).
    """
    demand = operations.submit_demand(current_user(), **data)
    return queries.reloaded(demand)


@bp.route("/demands/mine", methods=["GET"])
@login_required
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.DemandItemSchema, "DemandPage"))
@read_only
def my_demands(args):
    """我的诉求 The caller's demands

    Newest first: where each stands (`status`, `status_name` and the 五单 `stage`), the organisation
    doing it and its deadline. GET /services/demands/{id} shows one with its timeline.
    """
    items, cursor = queries.my_demands_page(current_user(), args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/demands/<id:demand_id>", methods=["GET"])
@login_required
@errors(e.DemandNotFound)
@bp.response(200, schemas.DemandSchema)
@read_only
def my_demand(demand_id):
    """诉求详情 One of the caller's demands in full

    The status with its Chinese name and 五单 stage, the 四公开 facts (project, organisation, funding
    source, responsible party member, deadline), the timeline (every step with its Chinese name, who took
    it — 居民, a role, or the organisation, never a person's account — its note and time) and the files.
    Another user's demand answers 404 DEMAND_NOT_FOUND.
    """
    return queries.load_own_demand(current_user(), demand_id)


@bp.route("/demands/<id:demand_id>/files/<id:upload_id>", methods=["GET"])
@login_required
@errors(e.DemandNotFound, AttachmentNotFound)
@serves_files(bp)
@read_only
def download_file(demand_id, upload_id):
    """下载诉求附件 Download a file of one's demand

    One of the demand's photos or the organisation's evidence; any other file answers 404
    ATTACHMENT_NOT_FOUND.
    """
    demand = queries.load_own_demand(current_user(), demand_id)
    return download(load_attached_upload(DemandFile.demand_id, demand.id, upload_id))


@bp.route("/demands/<id:demand_id>/rating", methods=["POST"])
@login_required
@idempotent
@errors(e.DemandNotFound, e.AlreadyRated, e.DemandWrongStep)
@bp.arguments(schemas.DemandRatingSchema)
@bp.response(200, schemas.DemandSchema)
def rate(data, demand_id):
    """民评 Rate the result

    Once the street has verified the work (409 DEMAND_WRONG_STEP before), 1 to 5 with a comment, once
    (409 ALREADY_RATED).
    """
    user = current_user()
    demand = queries.load_own_demand(user, demand_id)
    operations.rate(user, demand, data["rating"], data["comment"])
    return queries.reloaded(demand)


@bp.route("/demands/<id:demand_id>/reopen", methods=["POST"])
@login_required
@idempotent
@errors(e.DemandNotFound, e.ReopenRefused, e.DemandWrongStep, e.ReasonRequired)
@bp.arguments(schemas.DemandReopenSchema)
@bp.response(200, schemas.DemandSchema)
def reopen(data, demand_id):
    """未解决，重新办理 Reopen a verified demand as not solved

    Instead of rating it, with the reason: the community dispatches it afresh. Once, within 14 days of
    its verification (409 REOPEN_REFUSED, `details.reason` once or late); a demand not verified (or
    rated) answers 409 DEMAND_WRONG_STEP.
    """
    user = current_user()
    demand = queries.load_own_demand(user, demand_id)
    operations.reopen(user, demand, data["reason"])
    return queries.reloaded(demand)


# -- 四公开 ------------------------------------------------------------------------------------------------


@bp.route("/demands/public", methods=["GET"])
@rate_limited(public_rate_limit)
@bp.arguments(schemas.PublicDemandArgsSchema, location="query")
@bp.response(200, page_schema(schemas.PublicDemandItemSchema, "PublicDemandPage"))
@read_only
def public_demands(args):
    """四公开列表 A community's dispatched demands

    Newest first, each with its 四公开 facts (project, organisation, funding source, responsible party
    member), the 五单 stage, its latest step (name and date; the whole progress is in the demand's
    public view) and the rating; never who asked.
    Demands not dispatched yet, or held for review, are not shown. No login needed.
    """
    items, cursor = queries.public_page(args["community_id"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/demands/<id:demand_id>/public", methods=["GET"])
@rate_limited(public_rate_limit)
@errors(e.DemandNotFound)
@bp.response(200, schemas.PublicDemandSchema)
@read_only
def public_demand(demand_id):
    """四公开 A dispatched demand's public view

    The project, the organisation doing it, the funding source, the responsible party member, the stage
    with its progress (step names and dates) and the rating; never who asked. A demand not dispatched
    (or sent back to dispatch, reopened), held for review, dismissed or merged answers 404
    DEMAND_NOT_FOUND. No login needed.
    """
    return queries.load_public_demand(demand_id)


# -- staff: the community and the street --------------------------------------------------------------


@staff_bp.route("/demands", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.StaffDemandArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.StaffDemandItemSchema, "StaffDemandPage"))
@read_only
def board(args):
    """诉求列表 The demands of the caller's communities

    Of one status and community when given, newest first: the resident's name masked, the 五单 stage, the
    organisation, the deadline and whether it is overdue. Needs `demand.dispatch` (community staff up).
    """
    items, cursor = queries.staff_demands_page(
        current_staff(), args["status"], args["community_id"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/organisations", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.OrganisationArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.OrganisationSchema, "DemandOrganisationPage"))
@read_only
def organisations(args):
    """可下单的组织 The organisations serving a community

    The active organisations a demand of the community can be dispatched to, by id, with their kind and
    service areas; a community outside the caller's scope answers an empty page. Needs
    `demand.dispatch` (community staff up).
    """
    items, cursor = queries.serving_page(current_staff(), args["community_id"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


def staff_demand(demand_id: int, action: str = operations.DISPATCH) -> tuple[StaffAccount, Demand]:
    staff = current_staff()
    return staff, queries.load_staff_demand(staff, demand_id, action)


@staff_bp.route("/demands/<id:demand_id>", methods=["GET"])
@login_required
@errors(e.DemandNotFound)
@staff_bp.response(200, schemas.StaffDemandSchema)
@read_only
def staff_record(demand_id):
    """诉求详情（工作人员） One demand in full

    The resident (the phone masked), the text, the 四公开 facts, the timeline and the files. Another
    community's demand answers 404 DEMAND_NOT_FOUND.
    """
    return staff_demand(demand_id)[1]


@staff_bp.route("/demands/<id:demand_id>/files/<id:upload_id>", methods=["GET"])
@login_required
@errors(e.DemandNotFound, AttachmentNotFound)
@serves_files(staff_bp)
@read_only
def download_staff_file(demand_id, upload_id):
    """下载诉求附件（工作人员） Download a file of a demand

    One of the demand's photos or evidence; any other file answers 404 ATTACHMENT_NOT_FOUND.
    """
    _, demand = staff_demand(demand_id)
    return download(load_attached_upload(DemandFile.demand_id, demand.id, upload_id))


@staff_bp.route("/demands/<id:demand_id>/dispatch", methods=["POST"])
@login_required
@errors(e.DemandNotFound, e.DemandWrongStep, e.DemandHeld, e.OrganisationNotFound, e.DeadlineInvalid)
@staff_bp.arguments(schemas.DemandDispatchSchema)
@staff_bp.response(200, schemas.StaffDemandSchema)
def dispatch(data, demand_id):
    """社区下单 Dispatch a demand to an organisation

    With its 四公开 facts: the organisation (active and serving the demand's community, else 404
    ORGANISATION_NOT_FOUND), the deadline (not before today, 422 DEADLINE_INVALID), the funding source,
    the responsible party member and the project (default: the title). `step` is the status the caller
    saw (`submitted`); a demand that has moved on answers 409 DEMAND_WRONG_STEP; one held for review, 409
    DEMAND_HELD (release it first). The resident is told.
    """
    staff, demand = staff_demand(demand_id)
    operations.dispatch(staff, demand, seen=data.pop("step"), **data)
    return queries.reloaded(demand)


@staff_bp.route("/demands/<id:demand_id>/release", methods=["POST"])
@login_required
@errors(e.DemandNotFound)
@staff_bp.response(200, schemas.StaffDemandSchema)
def release(demand_id):
    """内容审核通过 Release a held demand

    After reading a demand the content check held: it may now be dispatched and, once dispatched, shown
    publicly. Releasing one that is not held changes nothing.
    """
    staff, demand = staff_demand(demand_id)
    operations.release(staff, demand)
    return queries.reloaded(demand)


@staff_bp.route("/demands/<id:demand_id>/dismiss", methods=["POST"])
@login_required
@errors(e.DemandNotFound, e.DemandWrongStep, e.ReasonRequired)
@staff_bp.arguments(schemas.DemandReasonSchema)
@staff_bp.response(200, schemas.StaffDemandSchema)
def dismiss(data, demand_id):
    """不予受理 Dismiss a demand

    A demand waiting for dispatch (`step` submitted, else 409 DEMAND_WRONG_STEP) the community will not
    act on, with the reason the resident is told.
    """
    staff, demand = staff_demand(demand_id)
    operations.dismiss(staff, demand, data["reason"], seen=data["step"])
    return queries.reloaded(demand)


@staff_bp.route("/demands/<id:demand_id>/merge", methods=["POST"])
@login_required
@errors(e.DemandNotFound, e.MergeRefused)
@staff_bp.arguments(schemas.DemandMergeSchema)
@staff_bp.response(200, schemas.StaffDemandSchema)
def merge(data, demand_id):
    """合并相同诉求 Merge a demand into a like one

    Both open and of one community (409 MERGE_REFUSED otherwise; `into_id` outside the caller's
    communities answers 404 DEMAND_NOT_FOUND): this one closes as merged and its resident is told of
    every later step of the other.
    """
    staff, demand = staff_demand(demand_id)
    into = queries.load_staff_demand(staff, data["into_id"])
    operations.merge(staff, demand, into)
    return queries.reloaded(demand)


@staff_bp.route("/demands/<id:demand_id>/supervise", methods=["POST"])
@login_required
@errors(e.DemandNotFound, e.DemandWrongStep, e.ReasonRequired)
@staff_bp.arguments(schemas.DemandSuperviseSchema)
@staff_bp.response(200, schemas.StaffDemandSchema)
def supervise(data, demand_id):
    """监委会督单 Comment on a demand being worked on

    The supervision committee's comment (`demand.supervise`: community admins up) on a dispatched,
    accepted or reported demand (409 DEMAND_WRONG_STEP otherwise); it joins the timeline and changes no
    step.
    """
    staff, demand = staff_demand(demand_id, operations.SUPERVISE)
    operations.supervise(staff, demand, data["comment"])
    return queries.reloaded(demand)


@staff_bp.route("/demands/<id:demand_id>/verify", methods=["POST"])
@login_required
@errors(e.DemandNotFound, e.DemandWrongStep)
@staff_bp.arguments(schemas.DemandVerifySchema)
@staff_bp.response(200, schemas.StaffDemandSchema)
def verify(data, demand_id):
    """街道验单 Verify the work

    By the street (`demand.verify`: street and city admins) once the organisation reported it done
    (`step` done, else 409 DEMAND_WRONG_STEP); the resident is asked to rate it.
    """
    staff, demand = staff_demand(demand_id, operations.VERIFY)
    operations.verify(staff, demand, data["note"], seen=data["step"])
    return queries.reloaded(demand)


@staff_bp.route("/demands/<id:demand_id>/send-back", methods=["POST"])
@login_required
@errors(e.DemandNotFound, e.DemandWrongStep, e.ReasonRequired)
@staff_bp.arguments(schemas.DemandReasonSchema)
@staff_bp.response(200, schemas.StaffDemandSchema)
def send_back(data, demand_id):
    """街道退回重办 Send the work back

    Not done well enough (`step` done, else 409 DEMAND_WRONG_STEP), with the reason: the organisation
    works on. Street and city admins.
    """
    staff, demand = staff_demand(demand_id, operations.VERIFY)
    operations.send_back(staff, demand, data["reason"], seen=data["step"])
    return queries.reloaded(demand)


# -- staff: organisations' workers ----------------------------------------------------------------------


@staff_bp.route("/org/demands", methods=["GET"])
@login_required
@errors(e.OrganisationNotFound)
@staff_bp.arguments(schemas.OrgDemandArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.StaffDemandItemSchema, "OrgDemandPage"))
@read_only
def org_demands(args):
    """本组织的诉求 The demands dispatched to the caller's organisation

    For an organisation's worker (role org_staff), of one status when given, newest first: what to do,
    where, by when, the resident's name masked.
    """
    items, cursor = queries.org_demands_page(current_staff(), args["status"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


def org_demand(demand_id: int) -> tuple[StaffAccount, Demand]:
    staff = current_staff()
    return staff, queries.load_org_demand(staff, demand_id)


@staff_bp.route("/demands/<id:demand_id>/accept", methods=["POST"])
@login_required
@errors(e.DemandNotFound, e.OrganisationNotFound, e.DemandWrongStep)
@staff_bp.arguments(schemas.DemandStepOnlySchema)
@staff_bp.response(200, schemas.StaffDemandItemSchema)
def accept(data, demand_id):
    """组织接单 Accept a demand

    By a worker of the organisation it was dispatched to (another organisation's demand answers 404
    DEMAND_NOT_FOUND), at `step` dispatched (409 DEMAND_WRONG_STEP otherwise, also when another worker
    accepted or declined it first). The resident is told.
    """
    staff, demand = org_demand(demand_id)
    operations.accept(staff, demand, seen=data["step"])
    return queries.reloaded(demand)


@staff_bp.route("/demands/<id:demand_id>/decline", methods=["POST"])
@login_required
@errors(e.DemandNotFound, e.OrganisationNotFound, e.DemandWrongStep, e.ReasonRequired)
@staff_bp.arguments(schemas.DemandReasonSchema)
@staff_bp.response(200, schemas.StaffDemandItemSchema)
def decline(data, demand_id):
    """组织退单 Decline a demand

    With the reason, at `step` dispatched (409 DEMAND_WRONG_STEP otherwise): it returns to the community
    to dispatch afresh and leaves the organisation's list.
    """
    staff, demand = org_demand(demand_id)
    operations.decline(staff, demand, data["reason"], seen=data["step"])
    return queries.reloaded(demand)


@staff_bp.route("/demands/<id:demand_id>/done", methods=["POST"])
@accepts_files("UPLOAD_FORM_MAX_BYTES")
@login_required
@errors(
    Unprocessable,
    PayloadTooLarge,
    e.DemandNotFound,
    e.OrganisationNotFound,
    e.DemandWrongStep,
    e.ReasonRequired,
    UploadTypeRefused,
    UploadTooLarge,
)
@staff_bp.arguments(schemas.DemandDoneSchema, location="form", content_type="multipart/form-data")
@staff_bp.response(200, schemas.StaffDemandItemSchema)
def report_done(data, demand_id):
    """组织报结 Report the work done

    `multipart/form-data`: `note` (what was done), optionally `step` (accepted), and any number of
    `evidence` files (images, PDF or office documents by content, else 422 UPLOAD_TYPE_REFUSED; each at
    most `UPLOAD_MAX_BYTES`, 422 UPLOAD_TOO_LARGE; the body at most `UPLOAD_FORM_MAX_BYTES` plus 64 KiB,
    else 413 PAYLOAD_TOO_LARGE). For an accepted demand (409 DEMAND_WRONG_STEP otherwise); the street
    verifies it next and the resident is told.
    """
    staff, demand = org_demand(demand_id)
    evidence = [(f.filename or "凭证", f.read()) for f in request.files.getlist("evidence")]
    operations.report_done(staff, demand, data["note"], evidence, seen=data["step"])
    return queries.reloaded(demand)
