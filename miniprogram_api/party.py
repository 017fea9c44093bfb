"""党建云 — 报到 and 岗位: residents report as in-service party members of a unit, members claim service
posts; staff in the field decide reports and claims and credit the months served."""

from cloudplatform.errors import Forbidden, NotFound
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.identity.permissions import require, require_member
from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.party import errors as e
from cloudplatform.party.members import operations, queries, schemas
from cloudplatform.party.queries import require_party_member
from cloudplatform.transaction import read_only
from miniprogram_api.auth import current_staff, current_user, login_required
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint("party", __name__, url_prefix="/api/v1/party", description="党建云：在职党员报到与服务岗位")
staff_bp = Blueprint(
    "party_staff",
    __name__,
    url_prefix="/api/v1/staff/party",
    description="工作人员：党员报到审核与岗位管理",
    errors=(StaffOnly, Forbidden),
)


@bp.route("/units", methods=["GET"])
@login_required
@errors(NotFound)
@bp.arguments(schemas.UnitListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.UnitSchema, "PartyUnitPage"))
@read_only
def list_units(args):
    """可报到的单位党组织 The units a member of the community may report as

    The active 驻地单位 and 结对单位 open to one of the caller's communities, by id, each with its
    co-building agreement. Another community answers 404 NOT_FOUND.
    """
    require_member(current_user(), args["community_id"])
    items, cursor = queries.units_open_to(args["community_id"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/reports", methods=["POST"])
@login_required
@idempotent
@errors(e.NotResident, e.UnitNotFound, e.AlreadyReported)
@bp.arguments(schemas.ReportCreateSchema)
@bp.response(201, schemas.ReportSchema)
def report(data):
    """在职党员报到 Report to the community one lives in

    As an in-service party member of a unit (one of GET /party/units), to a community where the caller
    is a verified resident (else 403 NOT_RESIDENT). It waits for the community's approval; approval makes
    the caller a party member there (`party_member` in GET /me) for a year. One report at a time: another
    to the same community answers 409 ALREADY_REPORTED; one to a new community after moving house
    replaces the old. Consent to `party_report_result` (POST /me/subscriptions) to be told the result.
    """
    return operations.report_to_community(current_user(), **data)


@bp.route("/reports/mine", methods=["GET"])
@login_required
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.ReportSchema, "PartyReportPage"))
def my_reports(args):
    """我的报到 The caller's reports

    Newest first: the current one (pending or approved) and the ones that ended, with why.
    """
    items, cursor = queries.my_reports_page(current_user(), args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/reports/mine/reconfirm", methods=["POST"])
@login_required
@errors(e.NotPartyMember)
@bp.response(200, schemas.ReportSchema)
def reconfirm():
    """年度确认 Reconfirm one's report for another year

    An approved report holds a year (`confirmed_until`); the member is reminded a month before and
    confirms here, or it lapses and the party member role goes.
    """
    return operations.reconfirm_report(current_user())


@bp.route("/posts", methods=["GET"])
@login_required
@errors(e.NotPartyMember)
@bp.arguments(schemas.PostListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.PostSchema, "ServicePostPage"))
@read_only
def list_posts(args):
    """服务岗位 The service posts of the community one reported to

    Open posts by id, each with its free places and the caller's own active claim. For party members of
    that community only (else 403 NOT_PARTY_MEMBER).
    """
    require_party_member(current_user(), args["community_id"])
    items, cursor = queries.community_posts_page(
        current_user(), args["community_id"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor}


@bp.route("/posts/<id:post_id>/claims", methods=["POST"])
@login_required
@idempotent
@errors(e.NotPartyMember, e.PostNotFound, e.PostClosed, e.PostFull, e.AlreadyClaimed)
@bp.response(201, schemas.ClaimSchema)
def claim(post_id):
    """认领岗位 Claim a place of a post

    The database keeps the headcount: the last place goes to exactly one member (409 POST_FULL to the
    others). The claim waits for staff to confirm it.
    """
    return operations.claim_post(current_user(), post_id)


@bp.route("/claims/mine", methods=["GET"])
@login_required
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.ClaimSchema, "PostClaimPage"))
def my_claims(args):
    """我认领的岗位 The caller's claims

    Newest first, with each post's title: waiting for confirmation, on post, or released.
    """
    items, cursor = queries.my_claims_page(current_user(), args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/claims/<id:claim_id>/release", methods=["POST"])
@login_required
@errors(e.ClaimNotFound, e.ClaimNotActive)
@bp.response(200, schemas.ClaimSchema)
def release(claim_id):
    """退出岗位 Give up a post

    The place goes back to the post for another member.
    """
    return operations.release_own_claim(current_user(), queries.load_own_claim(current_user(), claim_id))


# -- staff --------------------------------------------------------------------------------------------


@staff_bp.route("/reports", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.StaffReportArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.StaffReportSchema, "StaffPartyReportPage"))
def staff_reports(args):
    """报到审核列表 Reports in the caller's communities

    Of one status (default `pending`), newest first, names masked.
    """
    staff = require(current_staff(), operations.MANAGE)
    items, cursor = queries.staff_reports_page(
        staff, args["status"], args["community_id"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/reports/<id:report_id>", methods=["GET"])
@login_required
@errors(e.ReportNotFound)
@staff_bp.response(200, schemas.StaffReportDetailSchema)
def staff_report(report_id):
    """报到详情 One report in full

    With the real name, for deciding; every view is recorded in the audit log.
    """
    return operations.open_report(current_staff(), report_id)


@staff_bp.route("/reports/<id:report_id>/decision", methods=["POST"])
@login_required
@errors(e.ReportNotFound, e.ReportNotPending, e.ReasonRequired)
@staff_bp.arguments(schemas.ReportDecisionSchema)
@staff_bp.response(200, schemas.StaffReportSchema)
def decide(data, report_id):
    """审核报到 Approve or reject a report

    Approval makes the member a party member of the community for a year; a rejection needs a reason
    (422 REASON_REQUIRED). Two staff deciding at once: one wins, the other gets 409 REPORT_NOT_PENDING.
    The member is told through a subscribe message.
    """
    report = queries.load_staff_report(current_staff(), report_id)
    return operations.decide_report(current_staff(), report, data["approve"], data["reason"])


@staff_bp.route("/reports/<id:report_id>/revoke", methods=["POST"])
@login_required
@errors(e.ReportNotFound, e.ReportNotApproved, e.ReasonRequired)
@staff_bp.arguments(schemas.ReasonSchema)
@staff_bp.response(200, schemas.StaffReportSchema)
def revoke(data, report_id):
    """撤销报到 Revoke a report

    A waiting or approved report ends (the member left the unit, or reported in error); the party member
    role of the community goes and the member is told why.
    """
    report = queries.load_staff_report(current_staff(), report_id)
    return operations.revoke_report(current_staff(), report, data["reason"])


@staff_bp.route("/claims/<id:claim_id>/decision", methods=["POST"])
@login_required
@errors(e.ClaimNotFound, e.ClaimNotActive)
@staff_bp.arguments(schemas.ClaimDecisionSchema)
@staff_bp.response(200, schemas.StaffClaimSchema)
def decide_claim(data, claim_id):
    """确认岗位认领 Confirm a claim or turn it down

    A confirmed member is on post (their months can be credited); turning a claim down gives the place
    back to the post.
    """
    claim = queries.load_staff_claim(current_staff(), claim_id)
    return operations.decide_claim(current_staff(), claim, data["confirm"])


@staff_bp.route("/claims/<id:claim_id>/hours", methods=["POST"])
@login_required
@errors(e.ClaimNotFound, e.ClaimNotActive, e.AttendanceConfirmed)
@staff_bp.arguments(schemas.PostHoursSchema)
@staff_bp.response(201, schemas.PostHoursResultSchema)
def credit_hours(data, claim_id):
    """记入岗位服务时长 Credit a month served on a post

    For a confirmed claim, once per month (409 ATTENDANCE_CONFIRMED for a month credited already). The
    hours count towards the member's yearly total and their unit's monthly report.
    """
    claim = queries.load_staff_claim(current_staff(), claim_id)
    return operations.credit_post_month(current_staff(), claim, data["month"], data["minutes"], data["note"])
