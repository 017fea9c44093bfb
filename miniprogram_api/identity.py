"""Login, the caller's profile, phone, residency and message consents; public community info."""

from flask import current_app
from flask_smorest import Blueprint

from cloudplatform.extensions import limiter
from cloudplatform.idempotency import idempotent
from cloudplatform.identity import operations, queries, schemas
from cloudplatform.identity.models import ResidencyRequest
from cloudplatform.identity.permissions import load_scoped, require
from cloudplatform.notify.operations import record_consents
from cloudplatform.pagination import page_schema
from cloudplatform.privacy import mask_phone
from miniprogram_api.auth import (
    BEARER_DOC,
    bearer_token,
    current_staff,
    current_user,
    login_required,
    public_rate_limit,
)

bp = Blueprint("identity", __name__, url_prefix="/api/v1", description="登录、个人信息与社区")
staff_bp = Blueprint(
    "identity_staff", __name__, url_prefix="/api/v1/staff", description="工作人员：居民认证审核"
)


@bp.route("/auth/login", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.arguments(schemas.LoginSchema)
@bp.response(200, schemas.LoginResultSchema)
def login(data):
    """Exchange a wx.login code for a bearer token."""
    user, token, login_token = operations.log_in_with_wechat(data["code"])
    return {"token": token, "expires_at": login_token.expires_at, "user": user}


@bp.route("/auth/logout", methods=["POST"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(204)
def logout():
    """Revoke the token of this request."""
    operations.revoke_token(bearer_token())


@bp.route("/me", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(200, schemas.MeSchema)
def me():
    """The caller's profile, with their roles in each community."""
    user = current_user()
    return {
        "id": user.id,
        "nickname": user.nickname,
        "phone": mask_phone(user.phone),
        "communities": queries.memberships_by_community(user),
        "staff": operations.staff_for_user(user),
    }


@bp.route("/me/phone", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["PHONE_RATE_LIMIT"], key_func=lambda: current_user().id)
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.PhoneCodeSchema)
@bp.response(200, schemas.PhoneSchema)
def bind_phone(data):
    """Bind the phone number behind a getPhoneNumber code (shown masked)."""
    operations.bind_phone(current_user(), data["code"])
    return {"phone": mask_phone(current_user().phone)}


@bp.route("/me/residency", methods=["POST"])
@login_required
@idempotent
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.ResidencyCreateSchema)
@bp.response(201, schemas.ResidencySchema)
def request_residency(data):
    """Ask to be verified as a resident; pending until a grid worker or staff member decides."""
    queries.load_community(data["community_id"])
    return operations.request_residency(current_user(), **data)


@bp.route("/me/residency", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(200, schemas.ResidencySchema(many=True))
def my_residency_requests():
    """The caller's residency requests, newest first."""
    return queries.my_residency_requests(current_user())


@bp.route("/me/subscriptions", methods=["POST"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.SubscriptionsSchema)
@bp.response(200, schemas.ConsentBalanceSchema)
def record_subscriptions(data):
    """Record the one-shot subscribe-message consents the user just gave."""
    return {"consents": record_consents(current_user(), data["template_keys"])}


@bp.route("/communities", methods=["GET"])
@limiter.limit(public_rate_limit)
@bp.arguments(schemas.CommunityListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.CommunitySchema, "CommunityPage"))
def list_communities(args):
    """Communities of the city (optionally of one street), by id."""
    items, cursor = queries.communities_page(args["street_id"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/communities/<id:community_id>", methods=["GET"])
@limiter.limit(public_rate_limit)
@bp.response(200, schemas.CommunityDetailSchema)
def get_community(community_id):
    """A community's public information: address, office phone and hours, grids."""
    return queries.load_community(community_id)


@bp.route("/communities/<id:community_id>/buildings", methods=["GET"])
@limiter.limit(public_rate_limit)
@bp.response(200, schemas.BuildingSchema(many=True))
def list_buildings(community_id):
    """The buildings of a community, for the residency form."""
    return queries.community_buildings(queries.load_community(community_id))


@staff_bp.route("/residency-requests", methods=["GET"])
@login_required
@staff_bp.doc(**BEARER_DOC)
@staff_bp.arguments(schemas.ResidencyListArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.ResidencyListItemSchema, "ResidencyRequestPage"))
def list_residency_requests(args):
    """Residency requests in the caller's communities (names masked), newest first."""
    staff = require(current_staff(), operations.REVIEW)
    items, cursor = queries.residency_requests_page(staff, args["status"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/residency-requests/<id:request_id>", methods=["GET"])
@login_required
@staff_bp.doc(**BEARER_DOC)
@staff_bp.response(200, schemas.ResidencyReviewSchema)
def get_residency_request(request_id):
    """One request in full, for its reviewer; the view is recorded in the audit log."""
    return operations.open_residency_request(current_staff(), request_id)


@staff_bp.route("/residency-requests/<id:request_id>/decision", methods=["POST"])
@login_required
@staff_bp.doc(**BEARER_DOC)
@staff_bp.arguments(schemas.ResidencyDecisionSchema)
@staff_bp.response(200, schemas.ResidencyListItemSchema)
def decide_residency_request(data, request_id):
    """Approve or reject (with a reason) a pending request."""
    request = load_scoped(ResidencyRequest, request_id, current_staff(), operations.REVIEW)
    return operations.decide_residency(current_staff(), request, data["approve"], data["reason"])
