"""Staff in the field: grid workers and community staff work from the mini-program."""

import sqlalchemy as sa
from flask_smorest import Blueprint

from cloudplatform.audit.operations import record
from cloudplatform.extensions import db
from cloudplatform.identity import operations, schemas
from cloudplatform.identity.models import ResidencyRequest
from cloudplatform.identity.permissions import load_scoped, require, scope_filter
from cloudplatform.pagination import keyset_page, page_schema
from cloudplatform.service.bookings import operations as bookings
from cloudplatform.service.bookings import schemas as booking_schemas
from cloudplatform.service.bookings.models import Bookable, Booking, BookingSuspension, Slot
from cloudplatform.service.bookings.schedule import local_day_bounds
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


@bp.route("/bookings/check-in", methods=["POST"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(booking_schemas.CheckInSchema)
@bp.response(200, booking_schemas.StaffBookingSchema)
def check_in_booking(data):
    """Check a resident in by the token of their booking QR (核销)."""
    booking = bookings.find_booking_for_check_in(current_staff(), data["qr_token"])
    return bookings.check_in(current_staff(), booking)


@bp.route("/bookings/<id:booking_id>/decision", methods=["POST"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(booking_schemas.DecisionSchema)
@bp.response(200, booking_schemas.StaffBookingSchema)
def decide_booking(data, booking_id):
    """Approve or reject a booking of a service that needs staff approval."""
    booking = load_scoped(Booking, booking_id, current_staff(), "booking.manage")
    return bookings.decide_booking(current_staff(), booking, data["approve"])


@bp.route("/bookables/<id:bookable_id>/bookings", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(booking_schemas.SlotArgsSchema, location="query")
@bp.response(200, booking_schemas.StaffBookingSchema(many=True))
def day_bookings(args, bookable_id):
    """A day's bookings of a service, for the counter."""
    bookable = load_scoped(Bookable, bookable_id, current_staff(), "booking.checkin")
    start, end = local_day_bounds(args["date"])
    return db.session.scalars(
        sa.select(Booking)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.bookable_id == bookable.id, Slot.starts_at >= start, Slot.starts_at < end)
        .options(sa.orm.contains_eager(Booking.slot), sa.orm.joinedload(Booking.user))
        .order_by(Slot.starts_at, Booking.id)
    ).all()


@bp.route("/booking-suspensions/<id:suspension_id>/lift", methods=["POST"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(204)
def lift_suspension(suspension_id):
    """Let a suspended resident book again before the suspension ends."""
    suspension = load_scoped(BookingSuspension, suspension_id, current_staff(), "booking.manage")
    bookings.lift_suspension(current_staff(), suspension)
