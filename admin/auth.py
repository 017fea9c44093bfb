"""Console sessions: who is signed in, and the decorator that requires it."""

from functools import wraps

from flask import g, redirect, request, session, url_for

from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount


def current_staff() -> StaffAccount | None:
    if "staff" not in g:
        staff_id = session.get("staff_id")
        account = db.session.get(StaffAccount, staff_id) if staff_id else None
        g.staff = account if account is not None and account.is_active else None
    return g.staff


def sign_in(account: StaffAccount) -> None:
    session.clear()  # a fresh session on sign-in: no fixation
    session.permanent = True
    session["staff_id"] = account.id
    g.staff = account


def sign_out() -> None:
    session.clear()
    g.staff = None


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_staff() is None:
            target = request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
            return redirect(url_for("admin.sign_in_page", next=target))
        return view(*args, **kwargs)

    return wrapper
