"""签到码: staff show a venue's check-in code (it changes every 30 seconds) on a phone or a screen."""

from flask import Response
from flask_smorest import Blueprint

from cloudplatform.qr import qr_png
from cloudplatform.venue import load_for_display, venue_code
from miniprogram_api.auth import BEARER_DOC, current_staff, login_required

staff_bp = Blueprint("venue_staff", __name__, url_prefix="/api/v1/staff", description="工作人员：现场签到码")


@staff_bp.route("/venue-codes/<string(maxlength=32):purpose>/<id:record_id>.png", methods=["GET"])
@login_required
@staff_bp.doc(**BEARER_DOC)
@staff_bp.response(200, content_type="image/png")
def venue_code_png(purpose, record_id):
    """The venue's current check-in code as a QR image; fetch it again every 30 s (purpose: booking)."""
    load_for_display(current_staff(), purpose, record_id)
    response = Response(qr_png(venue_code(purpose, record_id)), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response
