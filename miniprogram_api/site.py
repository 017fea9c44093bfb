"""The mini-program client's H5 build (``miniprogram/``, ``npm run build:h5``) served at ``/m/``.

``scripts/run`` builds it when Node.js is present; without a build every ``/m/`` address answers the
404 envelope and the API works alone. The hashed files under ``assets/`` are kept by browsers for a
year, ``index.html`` is revalidated on every load so a new build shows at once. Tests point the
``MINIPROGRAM_H5_DIR`` config key at a build of their own.
"""

from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory
from werkzeug.exceptions import NotFound

from cloudplatform import errors

# not ``bp``: miniprogram_api.register puts every module's ``bp`` into the API document
site_bp = Blueprint("miniprogram_site", __name__, url_prefix="/m")

BUILD_DIR = Path(__file__).resolve().parent.parent / "miniprogram" / "dist" / "build" / "h5"
ASSETS_MAX_AGE = 365 * 24 * 3600  # the build names each asset by its content's hash


def build_dir() -> Path:
    return Path(current_app.config.get("MINIPROGRAM_H5_DIR") or BUILD_DIR)


@site_bp.get("/")
def index() -> Response:
    return send_build_file("index.html")


@site_bp.get("/<path:filename>")
def build_file(filename: str) -> Response:
    return send_build_file(filename)


def send_build_file(filename: str) -> Response:
    """A file of the build, or the 404 envelope (no build, no such file, or a path leaving the build)."""
    max_age = ASSETS_MAX_AGE if filename.startswith("assets/") else 0
    try:
        response = send_from_directory(build_dir(), filename, max_age=max_age)
    except NotFound:
        return errors.error_response(404, errors.NotFound.code, errors.NotFound.message)
    if not max_age:
        response.cache_control.no_cache = True
    return response
