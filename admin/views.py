"""The frame every console page shares: sign-in, the header's links, errors, filters (the dashboard:
admin/dashboard.py)."""

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from admin import bp
from admin.auth import current_staff, may_use_dev_tools, scope_name, sign_in, sign_out
from admin.identity.forms import SignInForm
from cloudplatform.clock import local
from cloudplatform.errors import AppError, http_error_class
from cloudplatform.extensions import api, limiter
from cloudplatform.identity.operations import authenticate_staff
from cloudplatform.identity.permissions import allows
from cloudplatform.privacy import mask_name, mask_phone

# The sidebar: (group, [(endpoint, label, who may open it)]). "Who" is the action the page requires
# (cloudplatform.identity.permissions.ACTIONS), None for any signed-in staff member, or a function of
# the staff member. A module adds its pages here; a group shows only when the role may open one of its
# pages (志愿云 comes with its module).
NAV: list[tuple[str | None, list[tuple[str, str, str | Callable | None]]]] = [
    (None, [("admin.dashboard", "工作台", None)]),
    (
        "服务云",
        [
            ("admin.notices", "通知公告", "notice.manage"),
            ("admin.guides", "办事指南", "guide.manage"),
            ("admin.bookables", "预约事项", "booking.manage"),
            ("admin.booking_day", "预约日程", "booking.checkin"),
            ("admin.booking_suspensions", "预约暂停", "booking.manage"),
        ],
    ),
    (
        "困难救助",
        [
            ("admin.aid_queue", "救助审核", "aid.review"),
            ("admin.aid_publicity", "救助公示", "aid.review"),
            ("admin.aid_statistics", "救助统计", "aid.review"),
            ("admin.aid_categories", "救助类别", "aid.configure"),
            ("admin.aid_calendar", "节假日", "aid.configure"),
        ],
    ),
    (
        "群众点单",
        [
            ("admin.demand_board", "诉求看板", "demand.dispatch"),
            ("admin.org_demands", "本组织诉求", "demand.fulfil"),
            ("admin.organisations_list", "社会组织", "organisation.manage"),
            ("admin.message_inbox", "留言信箱", "message.reply"),
            ("admin.demand_statistics", "点单统计", "demand.dispatch"),
        ],
    ),
    (
        "党建云",
        [
            ("admin.party_reports", "报到审核", "party.manage"),
            ("admin.party_units", "单位党组织", "party.manage"),
            ("admin.party_posts", "服务岗位", "party.manage"),
            ("admin.party_activities", "党建活动", "party.attendance"),
            ("admin.party_unit_reports", "单位月报", "party.manage"),
        ],
    ),
    (
        "志愿云",
        [
            ("admin.volunteer_shifts", "志愿班次", "volunteer.attendance"),
            ("admin.volunteer_attendance", "出勤确认", "volunteer.attendance"),
            ("admin.volunteer_disputes", "时长异议", "volunteer.disputes"),
            ("admin.volunteer_rules", "积分规则", "points.manage"),
            ("admin.volunteer_list", "志愿者", "volunteer.manage"),
            ("admin.volunteer_recognition", "优秀志愿者", "recognition.manage"),
            ("admin.volunteer_certificates", "服务证明", "volunteer.manage"),
            ("admin.volunteer_rewards", "爱心超市", "reward.manage"),
            ("admin.volunteer_redemptions", "兑换核销", "reward.fulfil"),
        ],
    ),
    (
        "云柜",
        [
            ("admin.locker_cabinets", "云柜列表", "locker.deposit"),
            ("admin.locker_deposit_new", "存件", "locker.deposit"),
            ("admin.locker_deposits", "存取记录", "locker.deposit"),
            ("admin.locker_retrievals", "待回收", "locker.deposit"),
            ("admin.locker_alerts", "告警", "locker.deposit"),
        ],
    ),
    (
        "居民 / 系统",
        [
            ("admin.residency_list", "居民认证", "residency.review"),
            ("admin.staff_list", "工作人员", "staff.manage"),
            ("admin.outbox", "消息发送", "outbox.view"),
            ("admin.audit_log", "审计日志", "audit.view"),
            ("admin.dev_wechat_messages", "开发用：微信消息记录", may_use_dev_tools),
        ],
    ),
]


def may_open(staff, who) -> bool:
    if who is None:
        return True
    return who(staff) if callable(who) else allows(staff, who)


def nav_for(staff, nav=None) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """The sidebar's groups (of ``NAV`` unless given) and the links the staff member may open in each;
    a group without any is left out."""
    groups = []
    for group, pages in NAV if nav is None else nav:
        links = [(endpoint, label) for endpoint, label, who in pages if may_open(staff, who)]
        if links:
            groups.append((group, links))
    return groups


def current_link(nav, path: str) -> str | None:
    """The sidebar link of the page at ``path``: the longest link it starts with (工作台 only itself)."""
    hrefs = [url_for(endpoint) for _, links in nav for endpoint, _ in links]
    dashboard = url_for("admin.dashboard")
    matching = [h for h in hrefs if path == h or (h != dashboard and path.startswith(h.rstrip("/") + "/"))]
    return max(matching, key=len, default=None)


def in_console() -> bool:
    path = request.path
    return request.blueprint == "admin" or path == "/admin" or path.startswith("/admin/")


@bp.app_context_processor
def inject_staff():
    staff = current_staff() if in_console() else None
    if staff is None:
        return {"staff": None}
    nav = [] if staff.must_change_password else nav_for(staff)
    return {
        "staff": staff,
        "nav": nav,
        "nav_current": current_link(nav, request.path),
        "scope_name": scope_name(staff),
    }


@bp.before_app_request
def enforce_password_change():
    """An account whose password was reset opens only the change page until it has a password of its own."""
    if not in_console() or request.endpoint in OPEN_WHILE_RESET:
        return None
    staff = current_staff()
    if staff is not None and staff.must_change_password:
        flash("管理员已重置你的密码，请先设置新密码", "info")
        return redirect(url_for("admin.password_change"))
    return None


OPEN_WHILE_RESET = {
    "admin.password_change",
    "admin.sign_out_submit",
    "admin.sign_in_page",
    "admin.sign_in_submit",
}

# What to do next, by status, on the console's error page (with a link to 工作台 or to sign in)
NEXT_STEPS = {
    400: "页面已过期或表单不完整，请返回上一页刷新后重新提交。",
    403: "你的角色不能打开这个页面，如需使用请联系管理员。",
    404: "页面不存在，或记录不在你的管辖范围内。请检查地址，或从菜单进入。",
    405: "这个地址不能直接打开，请回到页面上使用按钮提交。",
    429: "操作过于频繁，请稍等一分钟后再试。",
}


def render_error(status: int, message: str, headers=None):
    staff = current_staff()
    return (
        render_template(
            "admin/error.html",
            status=status,
            message=message,
            next_step=NEXT_STEPS.get(status, ""),
            signed_in=staff is not None,
        ),
        status,
        headers or {},
    )


@bp.errorhandler(AppError)
def console_error(error: AppError):
    """403 and 404 (and any other refusal) inside the console layout, in Chinese."""
    return render_error(error.status, error.message, error.headers)


def console_http_error(error: HTTPException):
    """Unknown addresses, wrong methods and rate limits under /admin in the console layout; elsewhere
    the API's envelope."""
    if not in_console():
        return api.handle_http_exception(error)
    headers = {
        key: value
        for key, value in error.get_response().headers.items()
        if key in ("Allow", "Retry-After") or key.startswith("X-RateLimit")
    }
    return render_error(error.code or 500, http_error_class(error.code).message, headers)


for _status in (400, 404, 405, 429):
    bp.app_errorhandler(_status)(console_http_error)


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
