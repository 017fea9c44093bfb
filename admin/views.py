from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, login_required, sign_in, sign_out
from admin.forms import SignInForm
from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db, limiter
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.operations import authenticate_staff
from cloudplatform.pagination import keyset_page

# (label, model) pairs counted on the dashboard; each domain adds its own rows.
DASHBOARD_COUNTS = [("后台账号", StaffAccount), ("审计记录", AuditEntry)]


@bp.app_context_processor
def inject_staff():
    return {"staff": current_staff() if request.blueprint == "admin" else None}


def safe_next(target: str | None) -> str:
    """Only follow a console page after sign-in (no open redirect, no POST-only endpoint)."""
    parts = urlsplit(target or "")
    in_console = parts.path == "/admin" or parts.path.startswith("/admin/")
    if target and not parts.scheme and not parts.netloc and in_console and parts.path != "/admin/sign-out":
        return target
    return url_for("admin.dashboard")


@bp.get("/sign-in")
def sign_in_page():
    if current_staff() is not None:
        return redirect(url_for("admin.dashboard"))
    return render_template("admin/sign_in.html", form=SignInForm())


@bp.post("/sign-in")
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"])
def sign_in_submit():
    form = SignInForm()
    if form.validate_on_submit():
        account = authenticate_staff(form.username.data, form.password.data)
        if account is not None:
            sign_in(account)
            return redirect(safe_next(request.args.get("next")))
        flash("用户名或密码错误", "error")
    return render_template("admin/sign_in.html", form=form), 200


@bp.post("/sign-out")
def sign_out_submit():
    sign_out()
    flash("已退出登录", "info")
    return redirect(url_for("admin.sign_in_page"))


@bp.get("/")
@login_required
def dashboard():
    counts = [
        (label, db.session.scalar(db.select(db.func.count()).select_from(model)))
        for label, model in DASHBOARD_COUNTS
    ]
    return render_template("admin/dashboard.html", counts=counts)


@bp.get("/audit")
@login_required
def audit_log():
    entries, next_cursor = keyset_page(db.select(AuditEntry), [AuditEntry.id], request.args.get("cursor"), 50)
    return render_template("admin/audit.html", entries=entries, next_cursor=next_cursor)


@bp.app_template_filter("localtime")
def localtime_filter(value):
    from cloudplatform.clock import local

    return local(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""
