"""党建活动: party members find activities, sign up (or wait for a place), cancel, and check in and out by
scanning the activity's venue code; staff publish, change and cancel activities, show the venue code,
and confirm attendance, which credits service hours."""

from cloudplatform.errors import Forbidden
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.errors import CommunityNotFound, StaffOnly
from cloudplatform.pagination import Listed, PageArgsSchema, page_schema
from cloudplatform.party import errors as e
from cloudplatform.party.activities import operations, queries, schemas
from cloudplatform.schemas import VenueScreenSchema
from cloudplatform.transaction import read_only
from cloudplatform.venue import VenueCodeExpired, VenueCodeInvalid, seconds_left, venue_code
from miniprogram_api.auth import current_staff, current_user, login_required
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint("party_activities", __name__, url_prefix="/api/v1/party", description="党建云：党建活动")
staff_bp = Blueprint(
    "party_activities_staff",
    __name__,
    url_prefix="/api/v1/staff/party",
    description="工作人员：党建活动、签到码与服务时长确认",
    errors=(StaffOnly, Forbidden),
)


# -- members ----------------------------------------------------------------------------------------


@bp.route("/activities", methods=["GET"])
@login_required
@errors(e.NotPartyMember)
@bp.arguments(schemas.MemberActivityListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.PartyActivitySchema, "PartyActivityPage"))
@read_only
def list_activities(args):
    """党建活动列表 The activities open to the caller

    The published activities for the caller (an in-service party member with an approved report):
    those of their community, of their unit, and those for every member. Not over yet soonest first
    (the default), or with `upcoming=false` the past ones, latest first; each with its free places
    (`places_left`) and the caller's own sign-up (`my_status`: null when none).
    """
    items, cursor = queries.member_activities_page(
        current_user(), args["upcoming"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor}


@bp.route("/activities/<id:activity_id>", methods=["GET"])
@login_required
@errors(e.NotPartyMember, e.ActivityNotFound)
@bp.response(200, schemas.PartyActivitySchema)
@read_only
def get_activity(activity_id):
    """活动详情 One activity

    An activity for the caller, or any of their own community's (one for another unit's members can be
    seen but not signed up for), with the caller's sign-up. Another community's answers 404
    ACTIVITY_NOT_FOUND.
    """
    return queries.member_activity(current_user(), activity_id)


@bp.route("/activities/<id:activity_id>/signups", methods=["POST"])
@login_required
@idempotent
@errors(e.NotPartyMember, e.NotInAudience, e.ActivityClosed, e.AlreadySignedUp, e.ActivityNotFound)
@bp.response(201, schemas.PartyActivitySchema)
def sign_up(activity_id):
    """报名参加活动 Sign up for an activity

    Takes a place while one is free (`my_status` `signed_up`), else a place on the waitlist (`waiting`):
    a place given back goes to the first waiting member automatically, who is told by a subscribe
    message. Until the activity starts; one sign-up per member (409 ALREADY_SIGNED_UP). Send an
    `Idempotency-Key` so that a retry signs up once.
    """
    return operations.sign_up(current_user(), activity_id)


@bp.route("/activities/<id:activity_id>/signups/cancel", methods=["POST"])
@login_required
@errors(e.CancelTooLate, e.SignupNotFound)
@bp.response(200, schemas.PartyActivitySchema)
def cancel_signup(activity_id):
    """取消报名 Cancel one's sign-up

    Withdraws the caller's place or waiting place until `cancel_until` (409 SIGNUP_CANCEL_TOO_LATE
    after); a place given back goes to the first waiting member. A walk-in cannot be cancelled.
    """
    return operations.cancel_signup(current_user(), activity_id)


VENUE_ERRORS = (VenueCodeInvalid, VenueCodeExpired, e.NotPartyMember, e.ActivityNotFound, e.ActivityCancelled)


@bp.route("/checkins", methods=["POST"])
@login_required
@errors(*VENUE_ERRORS, e.NotCheckInTime, e.AlreadyCheckedIn, e.NotSignedUp)
@bp.arguments(schemas.ActivityVenueCodeSchema)
@bp.response(200, schemas.PartyAttendanceSchema)
def check_in(data):
    """活动现场签到 Check in at an activity

    Scan the code on the activity's screen (`wx.scanCode`; it changes every 30 seconds) and send what
    it read. Open from `check_in_from` until the activity ends, once per member, for members holding a
    place; where the activity allows walk-ins, any party member of its community checks in without one
    (`status` `walk_in`). A code older than a minute (a photo) answers 422 VENUE_CODE_EXPIRED.
    """
    return operations.check_in(current_user(), data["venue_code"])


@bp.route("/checkouts", methods=["POST"])
@login_required
@errors(*VENUE_ERRORS, e.CheckOutNotNeeded, e.NotCheckInTime, e.NotCheckedIn)
@bp.arguments(schemas.ActivityVenueCodeSchema)
@bp.response(200, schemas.PartyAttendanceSchema)
def check_out(data):
    """活动现场签退 Check out of an activity

    Where the activity counts actual time (`counts_actual_time`), scan the code again when leaving:
    after checking in, until `check_in_margin_minutes` after the end, once. The hours credited run
    from check-in to check-out.
    """
    return operations.check_out(current_user(), data["venue_code"])


# -- staff ------------------------------------------------------------------------------------------


@staff_bp.route("/activities", methods=["POST"])
@login_required
@idempotent
@errors(CommunityNotFound, e.InvalidActivityTime, e.UnitNotFound)
@staff_bp.arguments(schemas.ActivityCreateSchema)
@staff_bp.response(201, schemas.PartyStaffActivitySchema)
def create_activity(data):
    """发布党建活动 Publish an activity

    In a community the caller serves (`party.manage`): its time, venue, places and audience — the
    community's party members, one unit's (`unit_id`, a unit open to the community), or everyone.
    Times without a zone are Beijing time.
    """
    community_id = data.pop("community_id")
    activity = operations.create_activity(current_staff(), community_id, **data)
    return Listed(activity, waiting=0)


@staff_bp.route("/activities", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.StaffActivityListArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.PartyStaffActivitySchema, "PartyStaffActivityPage"))
def staff_activities(args):
    """党建活动管理列表 The activities of the caller's communities

    Latest start first, each with its places taken and its waitlist's length; `community_id` keeps one
    community's.
    """
    items, cursor = queries.staff_activities_page(
        current_staff(), args["community_id"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/activities/<id:activity_id>", methods=["PATCH"])
@login_required
@errors(
    e.ActivityCancelled,
    e.ActivityStarted,
    e.InvalidActivityTime,
    e.UnitNotFound,
    e.CapacityBelowSignedUp,
    e.ActivityNotFound,
)
@staff_bp.arguments(schemas.ActivityUpdateSchema(partial=True))
@staff_bp.response(200, schemas.PartyStaffActivitySchema)
def update_activity(data, activity_id):
    """修改党建活动 Change an activity

    Any of its fields, before it starts. More places go to the waiting members first (each told);
    fewer places than members holding one answer 422 CAPACITY_BELOW_SIGNED_UP.
    """
    activity = queries.load_activity(current_staff(), activity_id)
    return queries.with_waiting(operations.update_activity(current_staff(), activity, **data))


@staff_bp.route("/activities/<id:activity_id>/cancel", methods=["POST"])
@login_required
@errors(e.ActivityCancelled, e.ActivityStarted, e.ActivityNotFound)
@staff_bp.arguments(schemas.ActivityCancelSchema)
@staff_bp.response(200, schemas.PartyStaffActivitySchema)
def cancel_activity(data, activity_id):
    """取消党建活动 Cancel an activity

    Before it starts: every sign-up and waiting place is withdrawn and the member told by a subscribe
    message (with the `reason`, if given).
    """
    activity = queries.load_activity(current_staff(), activity_id)
    return queries.with_waiting(operations.cancel_activity(current_staff(), activity, data["reason"]))


@staff_bp.route("/activities/<id:activity_id>/qr", methods=["GET"])
@login_required
@errors(e.ActivityNotFound)
@staff_bp.response(200, VenueScreenSchema)
def activity_qr(activity_id):
    """活动签到码 The activity's current venue code

    The code members scan to check in and out (`party.attendance`), for a screen that draws the QR code
    itself; it changes every 30 seconds (`expires_in`), and a code older than a minute is refused. The
    image: `GET /api/v1/staff/venue-codes/party_activity/{id}.png`.
    """
    activity = queries.load_activity(current_staff(), activity_id, queries.ATTENDANCE)
    return {"code": venue_code(queries.VENUE_PURPOSE, activity.id), "expires_in": seconds_left()}


@staff_bp.route("/activities/<id:activity_id>/signups", methods=["GET"])
@login_required
@errors(e.ActivityNotFound)
@staff_bp.arguments(PageArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.PartySignupSchema, "PartySignupPage"))
def activity_signups(args, activity_id):
    """活动报名与出勤 An activity's sign-ups and attendance

    In the order they came (the waitlist's order), each with the member's nickname, status, check-in
    and check-out times, and the minutes credited (null until confirmed).
    """
    activity = queries.load_activity(current_staff(), activity_id, queries.ATTENDANCE)
    items, cursor = queries.signups_page(activity, args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/activities/<id:activity_id>/confirm-all", methods=["POST"])
@login_required
@errors(e.ActivityNotFound, e.ActivityCancelled)
@staff_bp.response(200, schemas.ConfirmAllSchema)
def confirm_all_attendance(activity_id):
    """确认全部出勤 Confirm every checked-in member at once

    After a 主题党日 a whole street checked in: credits the hours of every member who checked in and is
    not credited yet, each as a single confirmation would. Safe to repeat (`credited` is 0 then).
    """
    activity = queries.load_activity(current_staff(), activity_id, queries.ATTENDANCE)
    return {"credited": operations.confirm_all_attendance(current_staff(), activity)}


@staff_bp.route("/signups/<id:signup_id>/confirm", methods=["POST"])
@login_required
@errors(e.NotAttended, e.ActivityCancelled, e.AttendanceConfirmed, e.SignupNotFound)
@staff_bp.response(200, schemas.PartySignupSchema)
def confirm_attendance(signup_id):
    """确认出勤 Confirm a member's attendance

    Credits the member's service hours once: the planned length, or from check-in to check-out where
    the activity counts actual time; to their unit at the time, on the activity's day. A second
    confirmation answers 409 ATTENDANCE_CONFIRMED.
    """
    signup = queries.load_signup(current_staff(), signup_id)
    return operations.confirm_attendance(current_staff(), signup)


@staff_bp.route("/signups/<id:signup_id>/correct", methods=["POST"])
@login_required
@errors(e.ReasonRequired, e.HoursNotConfirmed, e.SignupNotFound)
@staff_bp.arguments(schemas.HoursCorrectionSchema)
@staff_bp.response(200, schemas.PartySignupSchema)
def correct_hours(data, signup_id):
    """更正服务时长 Correct the credited minutes

    Of a confirmed attendance, with a reason; the audit log keeps the old and the new minutes.
    """
    signup = queries.load_signup(current_staff(), signup_id)
    return operations.correct_hours(current_staff(), signup, data["minutes"], data["reason"])
