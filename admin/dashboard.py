"""工作台: today's work and the figures of the staff member's scope, every figure one statement."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import render_template, url_for

from admin import bp
from admin.auth import current_staff, login_required
from admin.charts import bar_chart, line_chart
from cloudplatform.clock import LOCAL_TZ, local, now
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import CITY_ADMIN, STREET_ADMIN
from cloudplatform.identity.permissions import allows
from cloudplatform.locker import queries as locker
from cloudplatform.notify import queries as notify
from cloudplatform.party.hours import queries as party
from cloudplatform.party.members import queries as party_members
from cloudplatform.service.aid import reports as aid
from cloudplatform.service.bookings import queries as bookings
from cloudplatform.service.demands import reports as demands
from cloudplatform.service.messages import reports as messages

TREND_MONTHS = 12


@dataclass(frozen=True)
class Tile:
    """A card: its label, the count in the staff member's scope (one statement), the page that lists
    what it counts (with its query), and the right the card needs (None: any signed-in staff member)."""

    label: str
    count: Callable
    endpoint: str | None = None
    action: str | None = None
    query: dict = field(default_factory=dict)


# Each domain's queries contribute their cards here, in the order shown.
DASHBOARD_TILES = [
    Tile("待审核居民认证", identity.pending_residency_count, "admin.residency_list", "residency.review"),
    Tile("待审核党员报到", party_members.pending_report_count, "admin.party_reports", "party.manage"),
    Tile("待办救助申请", aid.waiting_count, "admin.aid_queue", "aid.review"),
    Tile("今日预约", bookings.today_booking_count, "admin.booking_day", "booking.checkin"),
    Tile("今日核销", bookings.today_check_in_count, "admin.booking_day", "booking.checkin"),
    Tile(
        "待取投递件",
        locker.pending_dropoff_count,
        "admin.locker_deposits",
        "locker.deposit",
        {"status": "deposited"},
    ),
    Tile("发送失败消息", notify.failed_count, "admin.outbox", "outbox.view", {"status": "failed"}),
    Tile("社区", identity.community_count),
    Tile("居民", identity.resident_count),
    Tile("在职党员", identity.party_member_count),
    Tile("工作人员账号", identity.staff_account_count),
]


def month_starts(months: int, today: date) -> list[datetime]:
    """The starts (Beijing time, as UTC) of the last ``months`` months up to this one, and of the next."""
    starts = []
    for back in range(months - 1, -2, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        starts.append(datetime(year, month + 1, 1, tzinfo=LOCAL_TZ).astimezone(UTC))
    return starts


def resident_trend(staff) -> str:
    """The line of new residents per month over the last twelve months (one statement)."""
    starts = month_starts(TREND_MONTHS, local(now()).date())
    counts = identity.new_residents_by_month(staff, starts)
    points = [(f"{local(start).month}月", n) for start, n in zip(starts, counts, strict=False)]
    return line_chart("近十二个月新增居民", points, unit="人")


PARTY_CHART_BARS = 15


def party_block(staff) -> dict:
    """党建云's figures of the scope (six statements): the total, and per street (city admins) or per
    community (street admins) as a table and a bar chart of the most hours served."""
    figures = party.party_figures(staff)
    rows = {CITY_ADMIN: figures.streets, STREET_ADMIN: figures.communities}.get(staff.role, [])
    by = "街道" if staff.role == CITY_ADMIN else "社区"
    served = sorted((r for r in rows if r.minutes_served), key=lambda r: -r.minutes_served)[:PARTY_CHART_BARS]
    bars = [(r.name, r.hours_served) for r in served]
    chart = bar_chart(f"党员服务时长最多的{by}", bars, unit="小时") if bars else None
    return {"total": figures.total, "rows": rows, "by": by, "chart": chart}


def demands_block(staff) -> dict | None:
    """群众点单与留言 of the scope (two statements): demands collected, messages answered and the average
    hours to the answer; for staff who dispatch demands."""
    if not allows(staff, "demand.dispatch"):
        return None
    answered = messages.answered_figures(staff)
    return {
        "collected": demands.collected_count(staff),
        "answered": answered.answered,
        "hours": answered.average_hours,
    }


@bp.get("/")
@login_required
def dashboard():
    staff = current_staff()
    tiles = [
        (tile, tile.count(staff), url_for(tile.endpoint, **tile.query) if tile.endpoint else None)
        for tile in DASHBOARD_TILES
        if tile.action is None or allows(staff, tile.action)
    ]
    wide = staff.role in (STREET_ADMIN, CITY_ADMIN)
    return render_template(
        "admin/dashboard.html",
        tiles=tiles,
        streets=identity.figures_by_street(staff) if wide else [],
        trend=resident_trend(staff),
        party=party_block(staff),
        locker=locker.locker_figures(staff) if allows(staff, "locker.deposit") else None,
        demands=demands_block(staff),
    )
