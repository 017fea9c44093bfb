"""Login, the caller's profile, phone, residency and message consents; public community info."""

import sqlalchemy as sa
from flask import current_app
from flask_smorest import Blueprint

from cloudplatform.errors import NotFound
from cloudplatform.extensions import db, limiter
from cloudplatform.idempotency import idempotent
from cloudplatform.identity import operations, schemas
from cloudplatform.identity.models import Building, Community, Membership, ResidencyRequest, Street
from cloudplatform.notify.operations import record_consents
from cloudplatform.pagination import keyset_page, page_schema
from cloudplatform.privacy import mask_phone
from miniprogram_api.auth import BEARER_DOC, bearer_token, current_user, login_required, public_rate_limit

bp = Blueprint("identity", __name__, url_prefix="/api/v1", description="登录、个人信息与社区")


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
    rows = db.session.execute(
        sa.select(Membership.community_id, Community.name, Membership.role)
        .join(Community, Community.id == Membership.community_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.community_id, Membership.role)
    )
    communities: dict[int, dict] = {}
    for community_id, name, role in rows:
        communities.setdefault(
            community_id, {"community_id": community_id, "community_name": name, "roles": []}
        )
        communities[community_id]["roles"].append(role)
    staff = operations.staff_for_user(user)
    return {
        "id": user.id,
        "nickname": user.nickname,
        "phone": mask_phone(user.phone),
        "communities": list(communities.values()),
        "staff": staff,
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
    if db.session.get(Community, data["community_id"]) is None:
        raise NotFound("社区不存在", code="COMMUNITY_NOT_FOUND")
    return operations.request_residency(current_user(), **data)


@bp.route("/me/residency", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(200, schemas.ResidencySchema(many=True))
def my_residency_requests():
    """The caller's residency requests, newest first."""
    return db.session.scalars(
        sa.select(ResidencyRequest)
        .where(ResidencyRequest.user_id == current_user().id)
        .order_by(ResidencyRequest.id.desc())
        .limit(20)
    ).all()


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
    stmt = sa.select(Community).options(sa.orm.joinedload(Community.street).joinedload(Street.district))
    if args["street_id"]:
        stmt = stmt.where(Community.street_id == args["street_id"])
    items, cursor = keyset_page(stmt, [Community.id], args["cursor"], args["limit"], descending=False)
    return {"items": items, "next_cursor": cursor}


@bp.route("/communities/<id:community_id>", methods=["GET"])
@limiter.limit(public_rate_limit)
@bp.response(200, schemas.CommunityDetailSchema)
def get_community(community_id):
    """A community's public information: address, office phone and hours, grids."""
    return db.session.get(Community, community_id) or abort_not_found()


@bp.route("/communities/<id:community_id>/buildings", methods=["GET"])
@limiter.limit(public_rate_limit)
@bp.response(200, schemas.BuildingSchema(many=True))
def list_buildings(community_id):
    """The buildings of a community, for the residency form."""
    db.session.get(Community, community_id) or abort_not_found()
    return db.session.scalars(
        sa.select(Building).where(Building.community_id == community_id).order_by(Building.id)
    ).all()


def abort_not_found():
    raise NotFound("社区不存在", code="COMMUNITY_NOT_FOUND")
