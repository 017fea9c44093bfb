"""The staff console: server-rendered Chinese pages that write through the core's operations."""

import importlib
import pkgutil

from flask import Blueprint, request

from cloudplatform.extensions import csrf

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.before_request
def check_csrf():
    """Every console form carries the session's CSRF token (signing out is harmless without it)."""
    if request.endpoint != "admin.sign_out_submit":
        csrf.protect()


def _import_pages() -> None:
    """Import every module of the console so that its routes register on ``bp``."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_import_pages()
