"""预约事项: residents see services and free places, book, cancel and show the check-in QR; staff at the
counter check residents in, decide bookings that need approval and lift suspensions."""

from flask import Response

from cloudplatform.errors import Forbidden, NotFound
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.identity.permissions import load_scoped, require_member
from cloudplatform.pagination import page_schema
from cloudplatform.qr import qr_png
from cloudplatform.service.bookings import errors as e
from cloudplatform.service.bookings import operations, queries, schemas
from cloudplatform.service.bookings.models import Bookable, Booking, BookingSuspension
from cloudplatform.transaction import read_only
from cloudplatform.venue import VenueCodeExpired, VenueCodeInvalid
from miniprogram_api.auth import current_staff, current_user, login_required
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint("bookings", __name__, url_prefix="/api/v1/services", description="服务云：预约事项")
staff_bp = Blueprint(
    "bookings_staff",
    __name__,
    url_prefix="/api/v1/staff",
    description="工作人员：预约核销与审核",
    errors=(StaffOnly, Forbidden),
)


@bp.route("/bookables", methods=["GET"])
@login_required
@errors(NotFound)
@bp.arguments(schemas.BookableListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.BookableSchema, "BookablePage"))
@read_only
def list_bookables(args):
    """可预约的服务事项 The bookable services of a community

    The active services of one of the caller's communities (证明开具, 老年证办理, 活动室预约...) with their
    rules and weekly opening hours, by id. Another community's services answer 404 NOT_FOUND.
    """
    require_member(current_user(), args["community_id"])
    items, cursor = queries.community_bookables_page(args["community_id"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/bookables/<id:bookable_id>/slots", methods=["GET"])
@login_required
@errors(e.BookableNotFound)
@bp.arguments(schemas.DayArgsSchema, location="query")
@bp.response(200, page_schema(schemas.SlotSchema, "SlotPage"))
@read_only
def list_slots(args, bookable_id):
    """某天的预约时段 A day's slots of a service

    The slots of one Beijing calendar day in start order, each with its free places, its booking window
    (`book_from`, `book_until`) and whether it can be booked now (`bookable_now`). A day holds at most
    1,440 slots (one a minute), so a screen usually gets them in one page with `limit=100`.
    """
    items, cursor = queries.member_slots_of_day_page(
        current_user(), bookable_id, args["date"], args["cursor"], args["limit"]
    )
    return {"items": items, "next_cursor": cursor}


@bp.route("/bookings", methods=["POST"])
@login_required
@idempotent
@errors(
    e.SlotFull,
    e.SlotClosed,
    e.TooLate,
    e.TooEarly,
    e.AlreadyBooked,
    e.BookingLimit,
    e.BookingSuspended,
    e.SlotNotFound,
)
@bp.arguments(schemas.BookingCreateSchema)
@bp.response(201, schemas.BookingSchema)
def book(data):
    """预约一个时段 Book a place in a slot

    For a resident of the slot's community, while its booking window is open. The database keeps the
    capacity: a full slot answers 409 SLOT_FULL and is never overbooked. A service that requires
    approval gives `pending_approval` until staff decide; otherwise `confirmed`. Send an
    `Idempotency-Key` so that a retry on a weak network books once.
    """
    return operations.book_slot(current_user(), data["slot_id"])


@bp.route("/bookings/mine", methods=["GET"])
@login_required
@bp.arguments(schemas.BookingListArgsSchema, location="query")
@bp.response(200, page_schema(schemas.BookingSchema, "BookingPage"))
def my_bookings(args):
    """我的预约 The caller's bookings

    Upcoming ones (the default: pending or confirmed, not yet over, soonest first) or, with
    `upcoming=false`, all of them, newest first; each with its service's name and place and its times
    in UTC and Beijing time.
    """
    items, cursor = queries.my_bookings_page(current_user(), args["upcoming"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/bookings/<id:booking_id>/cancel", methods=["POST"])
@login_required
@errors(e.CancelTooLate, e.BookingNotActive, e.BookingNotFound)
@bp.response(200, schemas.BookingSchema)
def cancel(booking_id):
    """取消预约 Cancel one's own booking

    Until the service's cut-off (`cancel_until`); the place goes back to the slot for the next booker.
    """
    return operations.cancel_booking(current_user(), queries.load_own_booking(current_user(), booking_id))


@bp.route("/bookings/<id:booking_id>/qr.png", methods=["GET"])
@login_required
@errors(e.BookingNotFound)
@bp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="image/png",
    description="a PNG image of the QR code",
)
def booking_qr(booking_id):
    """预约核销二维码 The booking's check-in QR code

    The QR code staff scan to check the resident in (核销); it carries the booking's random `qr_token`.
    Show it with `<image src>` after downloading it with the bearer token (`wx.downloadFile`).
    """
    booking = queries.load_own_booking(current_user(), booking_id)
    return Response(qr_png(booking.qr_token), mimetype="image/png")


@bp.route("/bookings/check-in", methods=["POST"])
@login_required
@errors(VenueCodeInvalid, VenueCodeExpired, e.NoBookingToCheckIn, e.NotCheckable)
@bp.arguments(schemas.VenueCheckInSchema)
@bp.response(200, schemas.BookingSchema)
def check_in_at_venue(data):
    """现场扫码签到 Check oneself in at the service counter

    Scan the code on the counter's screen (`wx.scanCode`; it changes every 30 seconds) and send what it
    read: the caller's confirmed booking of that service whose slot is open for check-in now (from 30
    minutes before its start until its end) is checked in. An old code (a photo) answers 422
    VENUE_CODE_EXPIRED; no such booking 404 NO_BOOKING_TO_CHECK_IN.
    """
    return operations.check_in_at_venue(current_user(), data["venue_code"])


@staff_bp.route("/bookings/check-in", methods=["POST"])
@login_required
@errors(e.NotCheckInTime, e.NotCheckable, e.BookingNotFound, e.OwnBookingCheckIn)
@staff_bp.arguments(schemas.CheckInSchema)
@staff_bp.response(200, schemas.StaffBookingSchema)
def check_in_booking(data):
    """扫码核销 Check a resident in by their booking QR

    By the token the resident's booking QR carries, from 30 minutes before the slot starts until it
    ends. A booking of a community outside the caller's answers 404 BOOKING_NOT_FOUND; the caller's own
    booking 403 OWN_BOOKING_CHECK_IN (another member of staff checks it in). The resident's name is
    masked (张**) as the console shows it.
    """
    booking = queries.load_booking_by_qr(current_staff(), data["qr_token"])
    return operations.check_in(current_staff(), booking)


@staff_bp.route("/bookings/<id:booking_id>/decision", methods=["POST"])
@login_required
@errors(e.NotPending)
@staff_bp.arguments(schemas.DecisionSchema)
@staff_bp.response(200, schemas.StaffBookingSchema)
def decide_booking(data, booking_id):
    """审核预约 Approve or reject a booking

    For a service that requires approval; a rejection gives the place back. The resident is told
    through a subscribe message.
    """
    booking = load_scoped(Booking, booking_id, current_staff(), operations.MANAGE)
    return operations.decide_booking(current_staff(), booking, data["approve"])


@staff_bp.route("/bookables/<id:bookable_id>/bookings", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.DayArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.StaffBookingSchema, "StaffBookingPage"))
def day_bookings(args, bookable_id):
    """某天的预约名单 A day's bookings of a service

    For the counter: every booking of one Beijing calendar day, in start order, with the resident's
    nickname masked (张**) as the console shows names.
    """
    bookable = load_scoped(Bookable, bookable_id, current_staff(), operations.CHECKIN)
    items, cursor = queries.day_bookings_page(bookable, args["date"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/booking-suspensions/<id:suspension_id>/lift", methods=["POST"])
@login_required
@errors(e.AlreadyLifted)
@staff_bp.response(204)
def lift_suspension(suspension_id):
    """解除预约暂停 Lift a booking suspension

    Lets a resident suspended for no-shows book again before the suspension ends.
    """
    suspension = load_scoped(BookingSuspension, suspension_id, current_staff(), operations.MANAGE)
    operations.lift_suspension(current_staff(), suspension)
