"""The staff console: server-rendered Chinese pages that write through the core's operations."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from admin import views  # noqa: E402, F401  (registers the routes)
