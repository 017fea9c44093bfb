"""Console sessions: who is signed in, the decorator that requires it, and what they may open."""

from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, session, url_for

from cloudplatform import transaction
from cloudplatform.errors import AppError, NotFound
from cloudplatform.identity import permissions, sessions
from cloudplatform.identity.models import StaffAccount


def current_staff() -> StaffAccount | None:
    """The signed-in, still active account, with its community and street (for the header). The cookie
    holds only the server-side session's random id (cloudplatform/identity/sessions.py)."""
    if "staff" not in g:
        token = session.get("sid")
        g.staff = sessions.session_staff(token) if isinstance(token, str) else None
    return g.staff


def sign_in(account: StaffAccount) -> None:
    """Start a new session (a fresh cookie: no fixation); also after one's own password change, which
    ended every session of the account."""
    token = session.get("sid")
    if isinstance(token, str):
        sessions.end_session(token)
    session.clear()
    session.permanent = True
    session["sid"] = sessions.start_session(account)
    g.staff = account


def sign_out() -> None:
    token = session.get("sid")
    if isinstance(token, str):
        sessions.end_session(token)
    session.clear()
    g.staff = None


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_staff() is None:
            return redirect(url_for("admin.sign_in_page", next=return_target()))
        return view(*args, **kwargs)

    return wrapper


def return_target() -> str | None:
    """Where to come back after signing in: this page, or for a form's POST the page the form was on
    (its own address may answer only POST)."""
    if request.method == "GET":
        return request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def require_dev_tools(staff: StaffAccount | None) -> StaffAccount:
    """Development pages: absent (404) in production, and for the "dev.tools" roles only (403)."""
    if current_app.config["CLOUDPLATFORM_ENV"] == "production":
        raise NotFound()
    return permissions.require(staff, "dev.tools")


def may_use_dev_tools(staff: StaffAccount | None) -> bool:
    return current_app.config["CLOUDPLATFORM_ENV"] != "production" and permissions.allows(staff, "dev.tools")


def scope_name(staff: StaffAccount) -> str:
    if staff.community is not None:
        return staff.community.name
    if staff.street is not None:
        return staff.street.name
    return "全市"


def flash_failure(error: AppError) -> None:
    """Undo the request's work and show the operation's Chinese message on the next page."""
    transaction.roll_back()
    flash(error.message, "error")
