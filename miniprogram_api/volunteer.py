"""志愿云: residents register as volunteers, find the shifts of their community, sign up (or wait for a
place and confirm an offered one), cancel, check in and out by the shift's venue code, follow their points
and hours and dispute minutes confirmed; staff see a shift's roster, scan a volunteer's personal code,
confirm and correct hours, decide disputes and adjust points."""

from flask import Response

from cloudplatform.errors import Forbidden
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.errors import ReasonRequired, StaffOnly
from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.qr import qr_png
from cloudplatform.schemas import VenueScreenSchema
from cloudplatform.transaction import read_only
from cloudplatform.venue import VenueCodeExpired, VenueCodeInvalid, seconds_left, venue_code
from cloudplatform.volunteer import api_queries, schemas
from cloudplatform.volunteer.attendance import errors as ae
from cloudplatform.volunteer.attendance import operations as attendance
from cloudplatform.volunteer.attendance.queries import VENUE_PURPOSE, load_dispute, load_shift, load_signup
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
@bp.arguments(schemas.VolunteerProfileCreateSchema)
@bp.response(201, schemas.VolunteerProfileSchema)
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
@bp.response(200, schemas.VolunteerProfileSchema)
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
@bp.response(200, page_schema(schemas.ShiftSignupSchema, "VolunteerSignupPage"))
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
@bp.response(201, schemas.ShiftSignupSchema)
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
@bp.response(200, schemas.ShiftSignupSchema)
def cancel_signup(shift_id):
    """取消报名 Cancel one's sign-up

    Gives back the caller's place until `cancel_until` (409 SHIFT_CANCEL_TOO_LATE after), or an offer or
    a waiting place until the start. A place given back is offered to the first waiting volunteer.
    """
    return shifts.cancel_signup(current_user(), shift_id)


@bp.route("/shifts/<id:shift_id>/signups/confirm", methods=["POST"])
@login_required
@errors(ve.NotVolunteer, se.OfferExpired, se.ShiftSignupNotFound)
@bp.response(200, schemas.ShiftSignupSchema)
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


@bp.route("/me/hours", methods=["GET"])
@login_required
@errors(ve.NotVolunteer)
@bp.response(200, schemas.VolunteerHoursSchema)
@read_only
def my_hours():
    """我的服务时长 The caller's confirmed hours

    All confirmed minutes (and hours, one decimal), and the minutes and shifts confirmed in each month
    and each year (of the shifts' start, Beijing time), latest first. Hours count once an organiser
    confirms the attendance.
    """
    return api_queries.my_hours(current_user())


ATTENDANCE_ERRORS = (
    VenueCodeInvalid,
    VenueCodeExpired,
    ae.ShiftCancelled,
    ae.NotSignedUp,
    ae.CheckInClosed,
    ae.AlreadyCheckedIn,
    ae.CheckOutClosed,
    ae.NotCheckedIn,
    ae.AlreadyCheckedOut,
    ae.ShiftNotFound,
)


@bp.route("/attendance", methods=["POST"])
@login_required
@errors(*ATTENDANCE_ERRORS)
@bp.arguments(schemas.VenueCodeSchema)
@bp.response(200, schemas.ShiftSignupSchema)
def scan_venue_code(data):
    """志愿服务签到签退 Check in or out at a shift

    Scan the code on the shift's screen (`wx.scanCode`; it changes every 30 seconds) and send what it
    read with `action`: `check_in` from `check_in_margin_minutes` before the start until the end, once;
    `check_out` as one leaves, after checking in, until the same margin after the end, once. For
    volunteers holding a place (409 ATTENDANCE_NOT_SIGNED_UP otherwise). A code older than a minute (a
    photo) answers 422 VENUE_CODE_EXPIRED. The minutes count once an organiser confirms them.
    """
    scan = attendance.check_in if data["action"] == "check_in" else attendance.check_out
    return scan(current_user(), data["code"])


@bp.route("/signups/<id:signup_id>/dispute", methods=["POST"])
@login_required
@idempotent
@errors(
    ReasonRequired,
    ae.InvalidMinutes,
    ae.HoursNotConfirmed,
    ae.DisputeWindowClosed,
    ae.AlreadyDisputed,
    ae.SignupNotFound,
)
@bp.arguments(schemas.DisputeCreateSchema)
@bp.response(201, schemas.DisputeSchema)
def dispute(data, signup_id):
    """申诉服务时长 Dispute the minutes confirmed

    Once per sign-up of the caller's, within 30 days of the confirmation, saying why and optionally how
    long they served (`claimed_minutes`, at most the shift's length). Staff uphold it (the minutes are
    corrected) or dismiss it; the caller is told by a subscribe message.
    """
    return attendance.dispute_hours(current_user(), signup_id, data["reason"], data["claimed_minutes"])


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
    check-in, check-out and confirmed minutes, for whoever takes attendance (`volunteer.attendance`:
    organisers and grid workers). A shift outside the caller's communities answers 404.
    """
    return shift_roster(current_staff(), shift_id)


@staff_bp.route("/shifts/<id:shift_id>/qr", methods=["GET"])
@login_required
@errors(ae.ShiftNotFound)
@staff_bp.response(200, VenueScreenSchema)
def shift_qr(shift_id):
    """班次签到码 The shift's current venue code

    The code volunteers scan to check in and out (`volunteer.attendance`), for a screen that draws the QR
    code itself; it changes every 30 seconds (`expires_in`), and a code older than a minute is refused.
    The image: `GET /api/v1/staff/venue-codes/volunteer_shift/{id}.png`.
    """
    shift = load_shift(current_staff(), shift_id)
    return {"code": venue_code(VENUE_PURPOSE, shift.id), "expires_in": seconds_left()}


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


@staff_bp.route("/shifts/<id:shift_id>/scan", methods=["POST"])
@login_required
@errors(
    VenueCodeInvalid,
    VenueCodeExpired,
    ae.VolunteerNotFound,
    ae.ShiftCancelled,
    ae.NotSignedUp,
    ae.CheckInClosed,
    ae.AlreadyCheckedIn,
    ae.CheckOutClosed,
    ae.AlreadyCheckedOut,
    ae.ShiftNotFound,
)
@staff_bp.arguments(schemas.VolunteerScanSchema)
@staff_bp.response(200, schemas.RosterSignupSchema)
def scan_volunteer(data, shift_id):
    """扫码记录出勤 Scan a volunteer's personal code

    The organiser (`volunteer.attendance`) scans the code on a volunteer's phone at the shift: it checks
    them in, or out when they are in already, in the same windows as the venue code; audited.
    """
    return attendance.scan_volunteer(current_staff(), shift_id, data["code"])


@staff_bp.route("/signups/<id:signup_id>/confirm", methods=["POST"])
@login_required
@errors(
    ae.ShiftCancelled,
    ae.ShiftNotStarted,
    ae.NotAttended,
    ae.AttendanceConfirmed,
    ae.StillServing,
    ae.SignupNotFound,
)
@staff_bp.response(200, schemas.RosterSignupSchema)
def confirm_attendance(signup_id):
    """确认服务时长 Confirm a volunteer's hours

    For a volunteer who checked in, once they checked out or the shift is over (409
    ATTENDANCE_STILL_SERVING before): the time attended within the shift, in whole half hours down, is
    credited once (409 SHIFT_ATTENDANCE_CONFIRMED after) with the points of the community's rule; the
    volunteer is told.
    """
    signup = load_signup(current_staff(), signup_id)
    return attendance.confirm_attendance(current_staff(), signup)


@staff_bp.route("/shifts/<id:shift_id>/confirm-all", methods=["POST"])
@login_required
@errors(ae.ShiftCancelled, ae.ShiftNotStarted, ae.ShiftNotFound)
@staff_bp.response(200, schemas.ShiftConfirmAllSchema)
def confirm_all(shift_id):
    """确认全部时长 Confirm every checked-in volunteer of a shift

    Each as a single confirmation would; those confirmed before are left, and while the shift is on,
    those who have not checked out. Safe to repeat (`confirmed` is 0 then).
    """
    shift = load_shift(current_staff(), shift_id)
    return {"confirmed": attendance.confirm_all(current_staff(), shift)}


@staff_bp.route("/signups/<id:signup_id>/correct", methods=["POST"])
@login_required
@errors(ReasonRequired, ae.InvalidMinutes, ae.HoursNotConfirmed, ae.SignupNotFound)
@staff_bp.arguments(schemas.ShiftHoursCorrectionSchema)
@staff_bp.response(200, schemas.RosterSignupSchema)
def correct_hours(data, signup_id):
    """更正服务时长 Correct the confirmed minutes

    Of a confirmed sign-up, from 0 to the shift's length, with a reason: the volunteer's total and
    points follow; the audit log keeps the old and the new minutes.
    """
    signup = load_signup(current_staff(), signup_id)
    return attendance.correct_hours(current_staff(), signup, data["minutes"], data["reason"])


@staff_bp.route("/disputes/<id:dispute_id>/decision", methods=["POST"])
@login_required
@errors(ReasonRequired, ae.InvalidMinutes, ae.DisputeDecided, ae.DisputeNotFound)
@staff_bp.arguments(schemas.DisputeDecisionSchema)
@staff_bp.response(200, schemas.DisputeSchema)
def decide_dispute(data, dispute_id):
    """处理时长申诉 Decide a dispute of hours

    `volunteer.disputes`: uphold it (the minutes are corrected to `minutes`, else to those claimed) or
    dismiss it (they stand), with a note the volunteer is told; once (409 HOURS_DISPUTE_DECIDED).
    """
    found = load_dispute(current_staff(), dispute_id)
    return attendance.decide_dispute(current_staff(), found, data["uphold"], data["note"], data["minutes"])
