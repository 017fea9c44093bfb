"""预约事项: residents see services and free places, book, cancel and show the check-in QR; staff at the
counter check residents in, decide bookings that need approval and lift suspensions."""

from flask import Response
from flask_smorest import Blueprint

from cloudplatform.idempotency import idempotent
from cloudplatform.identity.permissions import load_scoped, require_member
from cloudplatform.qr import qr_png
from cloudplatform.service.bookings import operations, queries, schemas
from cloudplatform.service.bookings.models import Bookable, Booking, BookingSuspension
from miniprogram_api.auth import BEARER_DOC, current_staff, current_user, login_required

bp = Blueprint("bookings", __name__, url_prefix="/api/v1/services", description="服务云：预约事项")
staff_bp = Blueprint(
    "bookings_staff", __name__, url_prefix="/api/v1/staff", description="工作人员：预约核销与审核"
)


@bp.route("/bookables", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.BookableListArgsSchema, location="query")
@bp.response(200, schemas.BookableSchema(many=True))
def list_bookables(args):
    """The bookable services of one of the caller's communities."""
    require_member(current_user(), args["community_id"])
    return queries.community_bookables(args["community_id"])


@bp.route("/bookables/<id:bookable_id>/slots", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.SlotArgsSchema, location="query")
@bp.response(200, schemas.SlotSchema(many=True))
def list_slots(args, bookable_id):
    """A day's slots of a service with their free places."""
    bookable = queries.load_member_bookable(current_user(), bookable_id)
    return queries.slots_of_day(bookable, args["date"])


@bp.route("/bookings", methods=["POST"])
@login_required
@idempotent
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.BookingCreateSchema)
@bp.response(201, schemas.BookingSchema)
def book(data):
    """Book a place in a slot; 409 SLOT_FULL when it is full, never overbooked."""
    return operations.book_slot(current_user(), data["slot_id"])


@bp.route("/bookings/mine", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.BookingListArgsSchema, location="query")
@bp.response(200, schemas.BookingSchema(many=True))
def my_bookings(args):
    """The caller's bookings: upcoming ones (default) or the last 50."""
    return queries.my_bookings(current_user(), args["upcoming"])


@bp.route("/bookings/<id:booking_id>/cancel", methods=["POST"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(200, schemas.BookingSchema)
def cancel(booking_id):
    """Cancel one's own booking before the service's cut-off; the place goes to the next booker."""
    return operations.cancel_booking(current_user(), queries.load_own_booking(current_user(), booking_id))


@bp.route("/bookings/<id:booking_id>/qr.png", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(200, content_type="image/png")
def booking_qr(booking_id):
    """The QR code staff scan to check the resident in (it carries the booking's random token)."""
    booking = queries.load_own_booking(current_user(), booking_id)
    return Response(qr_png(booking.qr_token), mimetype="image/png")


@bp.route("/bookings/check-in", methods=["POST"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.VenueCheckInSchema)
@bp.response(200, schemas.BookingSchema)
def check_in_at_venue(data):
    """Check oneself in by scanning the code on the service counter's screen (from 30 min before)."""
    return operations.check_in_at_venue(current_user(), data["venue_code"])


@staff_bp.route("/bookings/check-in", methods=["POST"])
@login_required
@staff_bp.doc(**BEARER_DOC)
@staff_bp.arguments(schemas.CheckInSchema)
@staff_bp.response(200, schemas.StaffBookingSchema)
def check_in_booking(data):
    """Check a resident in by the token of their booking QR (核销)."""
    booking = queries.load_booking_by_qr(current_staff(), data["qr_token"])
    return operations.check_in(current_staff(), booking)


@staff_bp.route("/bookings/<id:booking_id>/decision", methods=["POST"])
@login_required
@staff_bp.doc(**BEARER_DOC)
@staff_bp.arguments(schemas.DecisionSchema)
@staff_bp.response(200, schemas.StaffBookingSchema)
def decide_booking(data, booking_id):
    """Approve or reject a booking of a service that needs staff approval."""
    booking = load_scoped(Booking, booking_id, current_staff(), operations.MANAGE)
    return operations.decide_booking(current_staff(), booking, data["approve"])


@staff_bp.route("/bookables/<id:bookable_id>/bookings", methods=["GET"])
@login_required
@staff_bp.doc(**BEARER_DOC)
@staff_bp.arguments(schemas.SlotArgsSchema, location="query")
@staff_bp.response(200, schemas.StaffBookingSchema(many=True))
def day_bookings(args, bookable_id):
    """A day's bookings of a service, for the counter."""
    bookable = load_scoped(Bookable, bookable_id, current_staff(), operations.CHECKIN)
    return queries.day_bookings(bookable, args["date"])


@staff_bp.route("/booking-suspensions/<id:suspension_id>/lift", methods=["POST"])
@login_required
@staff_bp.doc(**BEARER_DOC)
@staff_bp.response(204)
def lift_suspension(suspension_id):
    """Let a suspended resident book again before the suspension ends."""
    suspension = load_scoped(BookingSuspension, suspension_id, current_staff(), operations.MANAGE)
    operations.lift_suspension(current_staff(), suspension)
