"""The staff console: server-rendered Chinese pages that write through the core's operations."""

from flask import Blueprint, request

from cloudplatform.extensions import csrf

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
def check_csrf():
    """Every console form carries the session's CSRF token (signing out is harmless without it)."""
    if request.endpoint != "admin.sign_out_submit":
        csrf.protect()


from admin import dev, outbox, residency, staff, views  # noqa: E402, F401  (registers the routes)
