"""预约事项: residents see services and free places, book, cancel, and show the check-in QR."""

import sqlalchemy as sa
from flask import Response
from flask_smorest import Blueprint

from cloudplatform.errors import NotFound
from cloudplatform.extensions import db
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.permissions import require_member
from cloudplatform.qr import qr_png
from cloudplatform.service.bookings import operations, schedule, schemas
from cloudplatform.service.bookings.models import ACTIVE, Bookable, Booking, Slot
from miniprogram_api.auth import BEARER_DOC, current_user, login_required

bp = Blueprint("bookings", __name__, url_prefix="/api/v1/services", description="服务云：预约事项")


def own_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.user_id != current_user().id:
        raise NotFound("预约不存在", code="BOOKING_NOT_FOUND")
    return booking


@bp.route("/bookables", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.BookableListArgsSchema, location="query")
@bp.response(200, schemas.BookableSchema(many=True))
def list_bookables(args):
    """The bookable services of one of the caller's communities."""
    require_member(current_user(), args["community_id"])
    return db.session.scalars(
        sa.select(Bookable)
        .where(Bookable.community_id == args["community_id"], Bookable.active)
        .options(sa.orm.selectinload(Bookable.hours))
        .order_by(Bookable.id)
    ).all()


@bp.route("/bookables/<id:bookable_id>/slots", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.arguments(schemas.SlotArgsSchema, location="query")
@bp.response(200, schemas.SlotSchema(many=True))
def list_slots(args, bookable_id):
    """A day's slots of a service with their free places."""
    bookable = schedule.load_member_bookable(current_user(), bookable_id)
    return schedule.slots_of_day(bookable, args["date"])


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
    stmt = (
        sa.select(Booking)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.user_id == current_user().id)
        .options(sa.orm.contains_eager(Booking.slot))
    )
    if args["upcoming"]:
        stmt = stmt.where(Booking.status.in_(ACTIVE), Slot.ends_at > operations.now()).order_by(
            Slot.starts_at
        )
    else:
        stmt = stmt.order_by(Slot.starts_at.desc()).limit(50)
    return db.session.scalars(stmt).all()


@bp.route("/bookings/<id:booking_id>/cancel", methods=["POST"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(200, schemas.BookingSchema)
def cancel(booking_id):
    """Cancel one's own booking before the service's cut-off; the place goes to the next booker."""
    return operations.cancel_booking(current_user(), own_booking(booking_id))


@bp.route("/bookings/<id:booking_id>/qr.png", methods=["GET"])
@login_required
@bp.doc(**BEARER_DOC)
@bp.response(200, content_type="image/png")
def booking_qr(booking_id):
    """The QR code staff scan to check the resident in (it carries the booking's random token)."""
    return Response(qr_png(own_booking(booking_id).qr_token), mimetype="image/png")
