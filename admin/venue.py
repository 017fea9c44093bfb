"""签到码 on a screen at the venue: the page refreshes the code as it changes (every 30 seconds)."""

from flask import Response, render_template

from admin import bp
from admin.auth import current_staff, login_required
from cloudplatform.qr import qr_png
from cloudplatform.venue import WINDOW_SECONDS, load_for_display, seconds_left, venue_code


@bp.get("/venue/<string(maxlength=32):purpose>/<id:record_id>")
@login_required
def venue_screen(purpose, record_id):
    """A full-screen page for the venue's display; its script reloads the code image as it changes."""
    declared, record = load_for_display(current_staff(), purpose, record_id)
    return render_template(
        "admin/venue_screen.html",
        purpose=purpose,
        record_id=record_id,
        title=declared.title,
        label=declared.label(record),
        window=WINDOW_SECONDS,
        seconds_left=seconds_left(),
    )


@bp.get("/venue/<string(maxlength=32):purpose>/<id:record_id>.png")
@login_required
def venue_code_image(purpose, record_id):
    load_for_display(current_staff(), purpose, record_id)
    response = Response(qr_png(venue_code(purpose, record_id), scale=12), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response
