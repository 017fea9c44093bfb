"""签到码: staff show a venue's check-in code (it changes every 30 seconds) on a phone or a screen."""

from flask import Response

from cloudplatform.errors import Forbidden
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.qr import qr_png
from cloudplatform.venue import VenuePurposeNotFound, load_for_display, venue_code
from miniprogram_api.auth import current_staff, login_required
from miniprogram_api.docs import Blueprint, errors

staff_bp = Blueprint(
    "venue_staff",
    __name__,
    url_prefix="/api/v1/staff",
    description="工作人员：现场签到码",
    errors=(StaffOnly, Forbidden),
)


@staff_bp.route("/venue-codes/<string(maxlength=32):purpose>/<id:record_id>.png", methods=["GET"])
@login_required
@errors(VenuePurposeNotFound)
@staff_bp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="image/png",
    description="a PNG image of the venue's current check-in code",
)
def venue_code_png(purpose, record_id):
    """现场签到码 The venue's current check-in code

    A QR image of the code residents scan to check in at the venue (`purpose`: `booking`, the record
    being the service). It changes every 30 seconds: download it again that often (`Cache-Control:
    no-store`). A record outside the caller's communities answers 404.
    """
    load_for_display(current_staff(), purpose, record_id)
    response = Response(qr_png(venue_code(purpose, record_id)), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response
