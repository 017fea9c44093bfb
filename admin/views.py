"""The frame every console page shares: sign-in, the header's links, errors, filters (the dashboard:
admin/dashboard.py)."""

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, may_use_dev_tools, scope_name, sign_in, sign_out
from admin.identity.forms import SignInForm
from cloudplatform.clock import local
from cloudplatform.errors import AppError
from cloudplatform.extensions import limiter
from cloudplatform.identity.operations import authenticate_staff
from cloudplatform.identity.permissions import allows
from cloudplatform.privacy import mask_name, mask_phone

# (endpoint, label, action the page requires; None: any signed-in staff member)
NAV = [
    ("admin.dashboard", "工作台", None),
    ("admin.notices", "通知公告", "notice.manage"),
    ("admin.guides", "办事指南", "guide.manage"),
    ("admin.bookables", "预约事项", "booking.manage"),
    ("admin.booking_day", "预约日程", "booking.checkin"),
    ("admin.booking_suspensions", "预约暂停", "booking.manage"),
    ("admin.residency_list", "居民认证", "residency.review"),
    ("admin.staff_list", "工作人员", "staff.manage"),
    ("admin.outbox", "消息发送", "outbox.view"),
    ("admin.audit_log", "审计日志", "audit.view"),
]
DEV_NAV = ("admin.dev_wechat_messages", "开发用：微信消息记录")


def nav_for(staff) -> list[tuple[str, str]]:
    """The header links the staff member may open."""
    items = [(endpoint, label) for endpoint, label, action in NAV if action is None or allows(staff, action)]
    if may_use_dev_tools(staff):
        items.append(DEV_NAV)
    return items


@bp.app_context_processor
def inject_staff():
    staff = current_staff() if request.blueprint == "admin" else None
    if staff is None:
        return {"staff": None}
    return {"staff": staff, "nav": nav_for(staff), "scope_name": scope_name(staff)}


@bp.errorhandler(AppError)
def console_error(error: AppError):
    """403 and 404 (and any other refusal) inside the console layout, in Chinese."""
    return render_template("admin/error.html", status=error.status, message=error.message), error.status


@bp.app_template_filter("localtime")
def localtime_filter(value):
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return local(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


bp.add_app_template_filter(mask_name, "mask_name")
bp.add_app_template_filter(mask_phone, "mask_phone")


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
