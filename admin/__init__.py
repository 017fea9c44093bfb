"""The staff console: server-rendered Chinese pages that write through the core's operations."""

import importlib
import pkgutil

from flask import Blueprint, current_app, request

from cloudplatform.extensions import csrf

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")


@bp.before_request
def check_csrf():
    """Every console form carries the session's CSRF token (signing out is harmless without it).

    Reading the token reads the body: a page marked ``accepts_files`` gets its larger limit first.
    """
    if getattr(current_app.view_functions.get(request.endpoint or ""), "accepts_files", False):
        request.max_content_length = current_app.config["UPLOAD_FORM_MAX_BYTES"]
    if request.endpoint != "admin.sign_out_submit":
        csrf.protect()


def _import_pages() -> None:
    """Import every module of the console, domain packages included, so its routes register on ``bp``."""
    for module in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        importlib.import_module(module.name)


_import_pages()
