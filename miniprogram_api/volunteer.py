"""志愿云: residents register as volunteers, find the shifts of their community, sign up (or wait for a
place and confirm an offered one), cancel, and follow their points and hours; staff see a shift's
roster and adjust points."""

from flask import Response

from cloudplatform.errors import Forbidden
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.qr import qr_png
from cloudplatform.transaction import read_only
from cloudplatform.venue import seconds_left
from cloudplatform.volunteer import api_queries, schemas
from cloudplatform.volunteer.points import errors as pe
from cloudplatform.volunteer.points.operations import adjust_points
from cloudplatform.volunteer.shifts import errors as se
from cloudplatform.volunteer.shifts import operations as shifts
from cloudplatform.volunteer.shifts.queries import shift_roster
from cloudplatform.volunteer.volunteers import errors as ve
from cloudplatform.volunteer.volunteers.operations import personal_code, register
from cloudplatform.volunteer.volunteers.queries import require_volunteer
from miniprogram_api.auth import current_staff, current_user, login_required
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint("volunteer", __name__, url_prefix="/api/v1/volunteer", description="志愿云")
staff_bp = Blueprint(
    "volunteer_staff",
    __name__,
    url_prefix="/api/v1/staff/volunteer",
    description="工作人员：志愿服务班次与积分",
    errors=(StaffOnly, Forbidden),
)


# -- the volunteer ----------------------------------------------------------------------------------


def with_code(profile):
    profile.qr_code, profile.qr_expires_in = personal_code(profile.record), seconds_left()
    return profile


@bp.route("/profile", methods=["POST"])
@login_required
@idempotent
@errors(
    ve.VolunteerNotResident,
    ve.PhoneRequired,
    ve.ConsentRequired,
    ve.InvalidVolunteerFields,
    ve.AlreadyVolunteer,
)
@bp.arguments(schemas.ProfileCreateSchema)
@bp.response(201, schemas.ProfileSchema)
def create_profile(data):
    """注册志愿者 Register as a volunteer

    For a verified resident of the community (403 VOLUNTEER_NOT_RESIDENT otherwise) with a bound phone
    (403 VOLUNTEER_PHONE_REQUIRED: bind one first), who accepts the volunteer terms (`consent: true`).
    Once per user (409 ALREADY_VOLUNTEER). The answer is the profile, as GET /volunteer/profile gives it.
    """
    register(current_user(), **data)
    return with_code(api_queries.own_profile(current_user()))


@bp.route("/profile", methods=["GET"])
@login_required
@errors(ve.NotVolunteer)
@bp.response(200, schemas.ProfileSchema)
@read_only
def get_profile():
    """我的志愿者信息 The caller's volunteer profile

    Their community, skills, status (a suspended volunteer cannot sign up), confirmed hours, points
    balance and personal QR code: an organiser scans it to record their attendance. Draw `qr_code` as a
    QR code (or show GET /volunteer/profile/qr.png); it changes every 30 seconds (`qr_expires_in`):
    fetch the profile again then. Someone not registered answers 403 NOT_VOLUNTEER.
    """
    return with_code(api_queries.own_profile(current_user()))


@bp.route("/profile/qr.png", methods=["GET"])
@login_required
@errors(ve.NotVolunteer)
@bp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="image/png",
    description="a PNG image of the personal QR code",
)
@read_only
def profile_qr():
    """志愿者二维码 The caller's personal QR code as an image

    The same code as the profile's `qr_code`, drawn: download it with the bearer token
    (`wx.downloadFile`) every 30 seconds (`Cache-Control: no-store`).
    """
    response = Response(qr_png(personal_code(require_volunteer(current_user()))), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/shifts", methods=["GET"])
@login_required
@errors(ve.NotVolunteer)
@bp.arguments(schemas.ShiftListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.ShiftSchema, "VolunteerShiftPage"))
@read_only
def list_shifts(args):
    """志愿服务班次 The upcoming shifts of the caller's community

    The published shifts not started yet, soonest first: project, category, place, times, places held
    (`taken` of `capacity`: when full a sign-up waits), the skills needed and the caller's own sign-up
    (`my_status`, null when none). `community_id` of another community gives an empty page.
    """
    items, cursor = api_queries.shifts_page(
        current_user(), args["community_id"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor}


@bp.route("/signups/mine", methods=["GET"])
@login_required
@errors(ve.NotVolunteer)
@bp.arguments(schemas.MySignupArgsSchema, location="query")
@bp.response(200, page_schema(schemas.SignupSchema, "VolunteerSignupPage"))
@read_only
def my_signups(args):
    """我的报名 The caller's sign-ups

    By default those holding or awaiting a place on a shift not over yet, soonest first: `offered`
    ones are to be confirmed before `offered_until` (POST /shifts/{id}/signups/confirm). With
    `active=false` every sign-up, latest first, with check-in, check-out and the minutes confirmed.
    """
    items, cursor = api_queries.my_signups_page(current_user(), args["active"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/shifts/<id:shift_id>/signups", methods=["POST"])
@login_required
@idempotent
@errors(
    ve.NotVolunteer,
    ve.VolunteerSuspended,
    se.ShiftClosed,
    se.SkillsMissing,
    se.AlreadySignedUpShift,
    se.ShiftOverlaps,
    se.ShiftNotFound,
)
@bp.response(201, schemas.SignupSchema)
def sign_up(shift_id):
    """报名志愿服务 Sign up for a shift

    Takes a place while one is free (`status` `signed_up`), else a place on the waitlist (`waiting`): a
    place given back is offered to the first waiting volunteer, who is told by a subscribe message and
    confirms within 2 hours. For shifts of the caller's community not started yet, with every skill
    they need (409 SHIFT_SKILLS_MISSING, `details.missing`), not overlapping another of the caller's.
    Send an `Idempotency-Key` so that a retry signs up once.
    """
    return shifts.sign_up(current_user(), shift_id)


@bp.route("/shifts/<id:shift_id>/signups/cancel", methods=["POST"])
@login_required
@errors(ve.NotVolunteer, se.ShiftCancelTooLate, se.ShiftSignupNotFound)
@bp.response(200, schemas.SignupSchema)
def cancel_signup(shift_id):
    """取消报名 Cancel one's sign-up

    Gives back the caller's place until `cancel_until` (409 SHIFT_CANCEL_TOO_LATE after), or an offer or
    a waiting place until the start. A place given back is offered to the first waiting volunteer.
    """
    return shifts.cancel_signup(current_user(), shift_id)


@bp.route("/shifts/<id:shift_id>/signups/confirm", methods=["POST"])
@login_required
@errors(ve.NotVolunteer, se.OfferExpired, se.ShiftSignupNotFound)
@bp.response(200, schemas.SignupSchema)
def confirm_offer(shift_id):
    """确认递补 Confirm an offered place

    A place freed on a shift the caller waited for is offered to them (`status` `offered`): confirm it
    before `offered_until` to hold it (`signed_up`); after, it has gone to the next (409
    SHIFT_OFFER_EXPIRED).
    """
    return shifts.confirm_offer(current_user(), shift_id)


@bp.route("/me/points", methods=["GET"])
@login_required
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, schemas.MyPointsSchema)
@read_only
def my_points(args):
    """我的积分 The caller's points

    The balance and the ledger, newest first, a page at a time: points earned for confirmed service
    (`earn`), spent (`redeem`), refunded, expired and adjusted by staff (with the `reason`).
    """
    return api_queries.my_points(current_user(), args["cursor"], args["limit"])


# -- staff ------------------------------------------------------------------------------------------


@staff_bp.route("/shifts/<id:shift_id>", methods=["GET"])
@login_required
@errors(se.ShiftNotFound)
@staff_bp.response(200, schemas.RosterSchema)
@read_only
def roster(shift_id):
    """班次名单 A shift's roster

    The shift with the volunteers holding a place (signed up, or offered and not confirmed yet) in the
    order they came and the waitlist in its order (first offered first): names and phones masked, with
    check-in, check-out and confirmed minutes. A shift outside the caller's communities answers 404.
    """
    return shift_roster(current_staff(), shift_id)


@staff_bp.route("/points/adjustments", methods=["POST"])
@login_required
@idempotent
@errors(pe.PointsVolunteerNotFound, pe.InvalidPointsAmount, pe.PointsReasonRequired, pe.InsufficientPoints)
@staff_bp.arguments(schemas.PointsAdjustmentSchema)
@staff_bp.response(201, schemas.StaffPointEntrySchema)
def adjust(data):
    """调整积分 Adjust a volunteer's points

    Adds (or, with a negative `amount`, takes) points of a volunteer registered in a community the
    caller serves (`points.manage`), saying why; audited. Taking more than the balance answers 409
    POINTS_INSUFFICIENT.
    """
    return adjust_points(current_staff(), data["user_id"], data["amount"], data["reason"])
