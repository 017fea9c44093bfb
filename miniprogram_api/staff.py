"""Staff in the field: grid workers and community staff work from the mini-program."""

import sqlalchemy as sa
from flask_smorest import Blueprint

from cloudplatform.audit.operations import record
from cloudplatform.identity import operations, schemas
from cloudplatform.identity.models import ResidencyRequest
from cloudplatform.identity.permissions import load_scoped, require, scope_filter
from cloudplatform.pagination import keyset_page, page_schema
from miniprogram_api.auth import BEARER_DOC, current_staff, login_required

bp = Blueprint("staff", __name__, url_prefix="/api/v1/staff", description="工作人员：居民认证审核等")


@bp.route("/residency-requests", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.ResidencyListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.ResidencyListItemSchema, "ResidencyRequestPage"))
def list_residency_requests(args):
    """Residency requests in the caller's communities (names masked), newest first."""
    staff = require(current_staff(), "residency.review")
    stmt = (
        sa.select(ResidencyRequest)
        .where(ResidencyRequest.status == args["status"], scope_filter(staff, ResidencyRequest.community_id))
        .options(sa.orm.joinedload(ResidencyRequest.community), sa.orm.joinedload(ResidencyRequest.building))
    )
    items, cursor = keyset_page(stmt, [ResidencyRequest.id], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/residency-requests/<id:request_id>", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(200, schemas.ResidencyReviewSchema)
def get_residency_request(request_id):
    """One request in full, for its reviewer; the view is recorded in the audit log."""
    request = load_scoped(ResidencyRequest, request_id, current_staff(), "residency.review")
    record(current_staff(), "residency.view", target=request, community_id=request.community_id)
    return request


@bp.route("/residency-requests/<id:request_id>/decision", methods=["POST"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.ResidencyDecisionSchema)
@bp.response(200, schemas.ResidencyListItemSchema)
def decide_residency_request(data, request_id):
    """Approve or reject (with a reason) a pending request."""
    request = load_scoped(ResidencyRequest, request_id, current_staff(), "residency.review")
    return operations.decide_residency(request, current_staff(), data["approve"], data["reason"])
