"""The frame every console page shares: sign-in, the dashboard, the header's links, errors, filters."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, login_required, may_use_dev_tools, scope_name, sign_in, sign_out
from admin.charts import line_chart
from admin.identity.forms import SignInForm
from cloudplatform.clock import LOCAL_TZ, local, now
from cloudplatform.errors import AppError
from cloudplatform.extensions import limiter
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import CITY_ADMIN, STREET_ADMIN
from cloudplatform.identity.operations import authenticate_staff
from cloudplatform.identity.permissions import allows
from cloudplatform.notify import queries as notify
from cloudplatform.privacy import mask_name, mask_phone
from cloudplatform.service.bookings import queries as bookings

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


@dataclass(frozen=True)
class Tile:
    """A dashboard card: its label, the count in the staff member's scope (one statement), the page
    that lists what it counts, and the right the card needs (None: any signed-in staff member)."""

    label: str
    count: Callable
    endpoint: str | None = None
    action: str | None = None


# Each domain's queries contribute their cards here, in the order shown.
DASHBOARD_TILES = [
    Tile("待审核居民认证", identity.pending_residency_count, "admin.residency_list", "residency.review"),
    Tile("今日预约", bookings.today_booking_count, "admin.booking_day", "booking.checkin"),
    Tile("今日核销", bookings.today_check_in_count, "admin.booking_day", "booking.checkin"),
    Tile("发送失败消息", notify.failed_count, "admin.outbox", "outbox.view"),
    Tile("社区", identity.community_count),
    Tile("居民", identity.resident_count),
    Tile("在职党员", identity.party_member_count),
    Tile("工作人员账号", identity.staff_account_count),
]
TILE_LINK_ARGS = {"admin.outbox": {"status": "failed"}}
TREND_MONTHS = 12


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


def month_starts(months: int, today: date) -> list[datetime]:
    """The starts (Beijing time) of the last ``months`` months up to this one, and of the next month."""
    year, month = today.year, today.month
    starts = []
    for back in range(months - 1, -2, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        starts.append(datetime(y, m + 1, 1, tzinfo=LOCAL_TZ).astimezone(UTC))
    return starts


def resident_trend(staff) -> str:
    """The line of new residents per month over the last twelve months (one statement)."""
    starts = month_starts(TREND_MONTHS, local(now()).date())
    counts = identity.new_residents_by_month(staff, starts)
    points = [(f"{local(start).month}月", n) for start, n in zip(starts, counts, strict=False)]
    return line_chart("近十二个月新增居民", points, unit="人")


@bp.get("/")
@login_required
def dashboard():
    """Today's work and the figures of the staff member's scope; every figure one statement."""
    staff = current_staff()
    tiles = [
        (
            tile,
            tile.count(staff),
            url_for(tile.endpoint, **TILE_LINK_ARGS.get(tile.endpoint, {})) if tile.endpoint else None,
        )
        for tile in DASHBOARD_TILES
        if tile.action is None or allows(staff, tile.action)
    ]
    wide = staff.role in (STREET_ADMIN, CITY_ADMIN)
    return render_template(
        "admin/dashboard.html",
        tiles=tiles,
        streets=identity.figures_by_street(staff) if wide else [],
        trend=resident_trend(staff),
    )
