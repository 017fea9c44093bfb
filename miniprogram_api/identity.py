"""Login, the caller's profile, phone, residency and message consents; public community info."""

from flask import current_app

from cloudplatform.errors import Forbidden
from cloudplatform.idempotency import idempotent
from cloudplatform.identity import operations, queries, schemas
from cloudplatform.identity.errors import (
    AccountDeleted,
    AlreadyDecided,
    BuildingNotFound,
    CommunityNotFound,
    ReasonRequired,
    ResidencyPending,
    StaffOnly,
)
from cloudplatform.identity.models import ResidencyRequest
from cloudplatform.identity.permissions import load_scoped, require
from cloudplatform.notify import schemas as notify_schemas
from cloudplatform.notify.operations import UnknownTemplate, record_consents
from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.privacy import mask_phone
from cloudplatform.transaction import read_only
from cloudplatform.wechat.errors import (
    PhoneCodeInvalid,
    WeChatCodeInvalid,
    WeChatCodeUsed,
    WeChatRateLimited,
    WeChatUnavailable,
    WeChatUserRisky,
)
from miniprogram_api.auth import (
    bearer_token,
    current_staff,
    current_user,
    linked_staff,
    login_required,
    public_rate_limit,
    rate_limited,
)
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint("identity", __name__, url_prefix="/api/v1", description="登录、个人信息与社区")
staff_bp = Blueprint(
    "identity_staff",
    __name__,
    url_prefix="/api/v1/staff",
    description="工作人员：居民认证审核",
    errors=(StaffOnly, Forbidden),
)


@bp.route("/auth/login", methods=["POST"])
@rate_limited(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@errors(
    WeChatCodeInvalid, WeChatCodeUsed, WeChatUserRisky, AccountDeleted, WeChatRateLimited, WeChatUnavailable
)
@bp.arguments(schemas.LoginSchema)
@bp.response(200, schemas.LoginResultSchema)
def login(data):
    """登录 Exchange a wx.login code for a bearer token

    The user is created on their first login. The token lasts 7 days (`expires_at`); send it as
    `Authorization: Bearer <token>`. A code works once: on 401 WECHAT_CODE_* call `wx.login` again.
    """
    user, token, login_token = operations.log_in_with_wechat(data["code"])
    return {"token": token, "expires_at": login_token.expires_at, "user": user}


@bp.route("/auth/logout", methods=["POST"])
@login_required
@bp.response(204)
def logout():
    """退出登录 Revoke the token of this request

    The token stops working at once; other tokens of the user (other devices) stay.
    """
    operations.revoke_token(bearer_token())


@bp.route("/me", methods=["GET"])
@login_required
@bp.response(200, schemas.MeSchema)
@read_only
def me():
    """我的信息 The caller's profile

    Nickname, masked phone, the caller's roles in each community (resident, party member, volunteer)
    and, for staff working from the mini-program, their staff role.
    """
    user = current_user()
    return {
        "id": user.id,
        "nickname": user.nickname,
        "phone": mask_phone(user.phone),
        "communities": queries.memberships_by_community(user),
        "staff": linked_staff(),
    }


@bp.route("/me/phone", methods=["POST"])
@login_required
@rate_limited(lambda: current_app.config["PHONE_RATE_LIMIT"], key_func=lambda: current_user().id)
@errors(PhoneCodeInvalid, WeChatRateLimited, WeChatUnavailable)
@bp.arguments(schemas.PhoneCodeSchema)
@bp.response(200, schemas.PhoneSchema)
def bind_phone(data):
    """绑定手机号 Bind the phone number of a getPhoneNumber code

    The number WeChat gives for the code of a `open-type="getPhoneNumber"` button; shown masked. Limited
    per user (each call spends WeChat quota).
    """
    operations.bind_phone(current_user(), data["code"])
    return {"phone": mask_phone(current_user().phone)}


@bp.route("/me/residency", methods=["POST"])
@login_required
@idempotent
@errors(ResidencyPending, CommunityNotFound, BuildingNotFound)
@bp.arguments(schemas.ResidencyCreateSchema)
@bp.response(201, schemas.ResidencySchema)
def request_residency(data):
    """申请居民认证 Ask to be verified as a resident

    Pending until a grid worker or staff member decides; one open request at a time (409
    RESIDENCY_PENDING). Consent to `residency_result` (POST /me/subscriptions) to be told the result.
    """
    queries.load_community(data["community_id"])
    return operations.request_residency(current_user(), **data)


@bp.route("/me/residency", methods=["GET"])
@login_required
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.ResidencySchema, "ResidencyPage"))
def my_residency_requests(args):
    """我的认证申请 The caller's residency requests

    Newest first, with their status and, for a rejected one, the reason.
    """
    items, cursor = queries.my_residency_page(current_user(), args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/me/subscriptions", methods=["POST"])
@login_required
@errors(UnknownTemplate)
@bp.arguments(notify_schemas.SubscriptionsSchema)
@bp.response(200, notify_schemas.ConsentBalanceSchema)
def record_subscriptions(data):
    """记录订阅消息授权 Record subscribe-message consents

    Report the template keys the user just accepted in `wx.requestSubscribeMessage`; each consent lets
    the platform send one message of that kind. Answers the unused consents per key.
    """
    return {"consents": record_consents(current_user(), data["template_keys"])}


@bp.route("/communities", methods=["GET"])
@rate_limited(public_rate_limit)
@bp.arguments(schemas.CommunityListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.CommunitySchema, "CommunityPage"))
@read_only
def list_communities(args):
    """社区列表 The communities of the city

    Optionally of one street, by id; no login needed.
    """
    items, cursor = queries.communities_page(args["street_id"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/communities/<id:community_id>", methods=["GET"])
@rate_limited(public_rate_limit)
@errors(CommunityNotFound)
@bp.response(200, schemas.CommunityDetailSchema)
@read_only
def get_community(community_id):
    """社区信息 A community's public information

    Address, office phone and hours, description and grids; no login needed.
    """
    return queries.load_community(community_id)


@bp.route("/communities/<id:community_id>/buildings", methods=["GET"])
@rate_limited(public_rate_limit)
@errors(CommunityNotFound)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.BuildingSchema, "BuildingPage"))
@read_only
def list_buildings(args, community_id):
    """社区楼栋 The buildings of a community

    By id, for the residency form's picker (`limit=100` gets most communities' buildings at once); no
    login needed.
    """
    community = queries.load_community(community_id)
    items, cursor = queries.buildings_page(community, args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/residency-requests", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.ResidencyListArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.ResidencyListItemSchema, "ResidencyRequestPage"))
def list_residency_requests(args):
    """待审核的居民认证 Residency requests to review

    In the caller's communities, of one status (pending by default), newest first; names masked.
    """
    staff = require(current_staff(), operations.REVIEW)
    items, cursor = queries.residency_requests_page(staff, args["status"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/residency-requests/<id:request_id>", methods=["GET"])
@login_required
@staff_bp.response(200, schemas.ResidencyReviewSchema)
def get_residency_request(request_id):
    """查看认证申请 One residency request in full

    For its reviewer: the real name whole and the applicant's phone; the view is recorded in the audit
    log.
    """
    return operations.open_residency_request(current_staff(), request_id)


@staff_bp.route("/residency-requests/<id:request_id>/decision", methods=["POST"])
@login_required
@errors(ReasonRequired, AlreadyDecided)
@staff_bp.arguments(schemas.ResidencyDecisionSchema)
@staff_bp.response(200, schemas.ResidencyListItemSchema)
def decide_residency_request(data, request_id):
    """审核认证申请 Approve or reject a residency request

    A pending one; a rejection needs a reason, which the applicant reads. An approved applicant becomes
    a resident of the community (leaving any former one) and is told through a subscribe message.
    """
    request = load_scoped(ResidencyRequest, request_id, current_staff(), operations.REVIEW)
    return operations.decide_residency(current_staff(), request, data["approve"], data["reason"])
