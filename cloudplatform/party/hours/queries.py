"""Reads of service hours both front ends share: a member's hours by month with their 报到 card
(``my_hours``), the monthly unit reports for staff (``unit_reports_list``, ``unit_reports_page``,
``unit_report``, ``unit_report_export``) and the dashboard's figures (``party_figures``)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, StaffAccount, Street, User
from cloudplatform.identity.permissions import load_scoped, require, scope_filter
from cloudplatform.pagination import (
    CONSOLE_PAGE_SIZE,
    NumberedPage,
    contains,
    keyset_page,
    numbered_page,
    sort_order,
)
from cloudplatform.party.errors import NotPartyMember
from cloudplatform.party.models import (
    ACTIVITY_SOURCE,
    APPROVED,
    CLAIM_ACTIVE,
    LAPSED,
    POST_SOURCE,
    PUBLISHED,
    REPORT_STATUS_NAMES,
    REVOKED,
    Activity,
    PartyReport,
    PartyUnit,
    PostClaim,
    ServiceHours,
    UnitMonthlyReport,
)
from cloudplatform.party.queries import approved_report
from cloudplatform.privacy import mask_name

READ = "party.manage"  # the right to read unit reports and the figures


def hours(minutes: float) -> float:
    """Minutes as hours with one decimal (90 → 1.5)."""
    return round(minutes / 60, 1)


def this_year() -> int:
    """The current year in Beijing time."""
    return local(now()).year


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    """The first day of the month before ``day``'s."""
    first = month_start(day)
    return (
        first.replace(year=first.year - 1, month=12)
        if first.month == 1
        else first.replace(month=first.month - 1)
    )


def month_label(month: date) -> str:
    """2026-11-01 → 2026年11月."""
    return f"{month.year}年{month.month}月"


# -- a member's hours and card ---------------------------------------------------------------------


def card_report(user: User) -> PartyReport:
    """The report the member's card shows: the approved one, else the newest one that was approved once
    and has since been revoked or lapsed (its hours stay the member's); 403 NOT_PARTY_MEMBER for someone
    never approved."""
    report = approved_report(user.id)
    if report is None:
        report = db.session.scalar(
            sa.select(PartyReport)
            .where(
                PartyReport.user_id == user.id,
                PartyReport.status.in_((REVOKED, LAPSED)),
                PartyReport.confirmed_until.is_not(None),
            )
            .order_by(PartyReport.id.desc())
            .limit(1)
        )
    if report is None:
        raise NotPartyMember()
    return report


def _minutes_by_month(user_id: int, year: int) -> dict[int, tuple[int, int, int]]:
    """month → (minutes, activities, post months) of the user's credited hours in ``year``: one statement."""
    month = sa.extract("month", ServiceHours.served_on)
    rows = db.session.execute(
        sa.select(
            month,
            sa.func.sum(ServiceHours.minutes),
            sa.func.count().filter(ServiceHours.source == ACTIVITY_SOURCE),
            sa.func.count().filter(ServiceHours.source == POST_SOURCE),
        )
        .where(
            ServiceHours.user_id == user_id,
            ServiceHours.served_on >= date(year, 1, 1),
            ServiceHours.served_on <= date(year, 12, 31),
        )
        .group_by(month)
    ).tuples()
    return {int(m): (int(minutes or 0), int(a), int(p)) for m, minutes, a, p in rows}


def my_hours(user: User, year: int | None = None) -> dict:
    """The caller's credited service hours of ``year`` (default this year, Beijing time) by month (all
    twelve, zeros included) with the year's total, and their 报到 card (unit, community, report status,
    hours this year). Three statements (four for another year than this one).

    :raises NotPartyMember: the caller's report was never approved.
    """
    report = card_report(user)
    current = this_year()
    year = year or current
    by_month = _minutes_by_month(user.id, year)
    months = []
    for m in range(1, 13):
        minutes, activities, post_months = by_month.get(m, (0, 0, 0))
        months.append(
            {
                "month": m,
                "minutes": minutes,
                "hours": hours(minutes),
                "activities": activities,
                "post_months": post_months,
            }
        )
    total = sum(v[0] for v in by_month.values())
    this_year_minutes = (
        total if year == current else sum(v[0] for v in _minutes_by_month(user.id, current).values())
    )
    unit_name, community_name = db.session.execute(
        sa.select(PartyUnit.name, Community.name)
        .select_from(PartyUnit)
        .join(Community, Community.id == report.community_id)
        .where(PartyUnit.id == report.unit_id)
    ).one()
    return {
        "year": year,
        "total_minutes": total,
        "total_hours": hours(total),
        "months": months,
        "card": {
            "report_id": report.id,
            "real_name": report.real_name,
            "unit_id": report.unit_id,
            "unit_name": unit_name,
            "community_id": report.community_id,
            "community_name": community_name,
            "status": report.status,
            "status_name": REPORT_STATUS_NAMES[report.status],
            "reported_at": report.decided_at,
            "confirmed_until": report.confirmed_until,
            "minutes_this_year": this_year_minutes,
            "hours_this_year": hours(this_year_minutes),
        },
    }


# -- monthly unit reports, for staff ---------------------------------------------------------------

REPORT_HEADERS = ("姓名", "居住社区", "报到状态", "参加活动（次）", "服务岗位（个）", "服务时长（小时）")


def _reports_in_scope(staff: StaffAccount) -> sa.Select:
    return (
        sa.select(UnitMonthlyReport)
        .join(UnitMonthlyReport.unit)
        .where(scope_filter(staff, UnitMonthlyReport.community_id))
        .options(sa.orm.contains_eager(UnitMonthlyReport.unit))
    )


def unit_reports_list(
    staff: StaffAccount,
    month: date | None = None,
    *,
    q: str = "",
    community_id: int | None = None,
    sort: str = "unit",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 单位月报: the monthly reports of the units kept by the staff member's communities
    (403 without ``party.manage``), of one month (any day of it; None: every month), of units whose name
    contains ``q``, of one home community; sorted by unit name (``unit`` / ``-unit``), month
    (``month`` / ``-month``) or hours (``minutes`` / ``-minutes``). Items are ``UnitMonthlyReport`` with
    ``.unit`` loaded (``members_reported``, ``activities_attended``, ``minutes_served``; the member lines
    in ``rows``). Two statements."""
    require(staff, READ)
    stmt = _reports_in_scope(staff)
    if month is not None:
        stmt = stmt.where(UnitMonthlyReport.month == month_start(month))
    if q:
        stmt = stmt.where(contains(PartyUnit.name, q))
    if community_id is not None:
        stmt = stmt.where(UnitMonthlyReport.community_id == community_id)
    keys: dict[str, list] = {
        "unit": [PartyUnit.name, UnitMonthlyReport.id],
        "month": [UnitMonthlyReport.month, UnitMonthlyReport.id],
        "minutes": [UnitMonthlyReport.minutes_served, UnitMonthlyReport.id],
    }
    return numbered_page(stmt, sort_order(sort, keys), page, per_page)


def unit_reports_page(
    staff: StaffAccount,
    month: date | None,
    cursor: str | None,
    limit: int,
    *,
    community_id: int | None = None,
):
    """The mini-program's staff list: one month's unit reports (any day of it; None: last month, Beijing
    time) in the staff member's scope, of one home community if given, by id, with their units (403
    without ``party.manage``): (page, next cursor)."""
    require(staff, READ)
    month = previous_month(local(now()).date()) if month is None else month
    stmt = _reports_in_scope(staff).where(UnitMonthlyReport.month == month_start(month))
    if community_id is not None:
        stmt = stmt.where(UnitMonthlyReport.community_id == community_id)
    return keyset_page(stmt, [UnitMonthlyReport.id], cursor, limit, descending=False)


def unit_report(staff: StaffAccount, report_id: int) -> UnitMonthlyReport:
    """One monthly unit report of the staff member's communities: 403 without ``party.manage``, 404
    (NOT_FOUND) outside the scope. ``.unit`` is its unit; ``.rows`` its member lines, each a dict with
    ``user_id``, ``name`` (masked), ``community``, ``status``, ``status_name``, ``activities``,
    ``posts``, ``minutes``, ``hours``."""
    return load_scoped(UnitMonthlyReport, report_id, staff, READ)


def unit_report_export(report: UnitMonthlyReport) -> tuple[str, tuple[str, ...], list[list]]:
    """What a download of the report holds: (file name without extension, headers, rows), names masked
    as on screen, a totals line last. The console passes them to ``admin.exports.export_response(fmt,
    name, headers, rows)`` (CSV or Excel, formula cells quoted) after loading the report with
    ``unit_report``."""
    rows = [
        [r["name"], r["community"], r["status_name"], r["activities"], r["posts"], hours(r["minutes"])]
        for r in report.rows
    ]
    rows.append(
        [
            "合计",
            "",
            f"已报到 {report.members_reported} 人",
            report.activities_attended,
            "",
            hours(report.minutes_served),
        ]
    )
    name = f"{report.unit.name}-{month_label(report.month)}党员服务月报"
    return name, REPORT_HEADERS, rows


# -- the dashboard's figures ------------------------------------------------------------------------


@dataclass
class PartyFigures:
    """党建云's figures of a community, a street or the city: units with at least one approved member
    (counted at their home community), approved reports (members reported), published activities that
    ended (activities held), minutes of credited service (``hours_served`` in hours), active post
    claims (posts claimed)."""

    name: str
    units_reported: int = 0
    members_reported: int = 0
    activities_held: int = 0
    minutes_served: int = 0
    posts_claimed: int = 0

    @property
    def hours_served(self) -> float:
        return hours(self.minutes_served)

    def add(self, other: "PartyFigures") -> None:
        self.units_reported += other.units_reported
        self.members_reported += other.members_reported
        self.activities_held += other.activities_held
        self.minutes_served += other.minutes_served
        self.posts_claimed += other.posts_claimed


@dataclass
class PartyDashboard:
    """The figures of the staff member's scope (``total``, named after their community, street or the
    city), per street in it (``streets``: for street and city admins) and per community in it
    (``communities``: every community in scope, zeros included)."""

    total: PartyFigures
    streets: list[PartyFigures] = field(default_factory=list)
    communities: list[PartyFigures] = field(default_factory=list)


def _counts_by_community(stmt: sa.Select) -> dict[int, int]:
    return {community_id: int(n or 0) for community_id, n in db.session.execute(stmt).tuples()}


def party_figures(staff: StaffAccount) -> PartyDashboard:
    """The dashboard's 党建云 figures in the staff member's scope — their community, their street or the
    whole city — in total, per street and per community. Six aggregate statements whatever the scope
    (any signed-in staff member may see them)."""
    units = sa.orm.aliased(PartyUnit)
    has_member = sa.exists().where(PartyReport.unit_id == units.id, PartyReport.status == APPROVED)
    figures = {
        "units_reported": _counts_by_community(
            sa.select(units.community_id, sa.func.count())
            .where(scope_filter(staff, units.community_id), has_member)
            .group_by(units.community_id)
        ),
        "members_reported": _counts_by_community(
            sa.select(PartyReport.community_id, sa.func.count())
            .where(scope_filter(staff, PartyReport.community_id), PartyReport.status == APPROVED)
            .group_by(PartyReport.community_id)
        ),
        "activities_held": _counts_by_community(
            sa.select(Activity.community_id, sa.func.count())
            .where(
                scope_filter(staff, Activity.community_id),
                Activity.status == PUBLISHED,
                Activity.ends_at <= now(),
            )
            .group_by(Activity.community_id)
        ),
        "minutes_served": _counts_by_community(
            sa.select(ServiceHours.community_id, sa.func.sum(ServiceHours.minutes))
            .where(scope_filter(staff, ServiceHours.community_id))
            .group_by(ServiceHours.community_id)
        ),
        "posts_claimed": _counts_by_community(
            sa.select(PostClaim.community_id, sa.func.count())
            .where(scope_filter(staff, PostClaim.community_id), PostClaim.status.in_(CLAIM_ACTIVE))
            .group_by(PostClaim.community_id)
        ),
    }
    communities = db.session.execute(
        sa.select(Community.id, Community.name, Street.id, Street.name)
        .join(Street, Street.id == Community.street_id)
        .where(scope_filter(staff, Community.id))
        .order_by(Street.name, Street.id, Community.name, Community.id)
    ).tuples()
    by_street: dict[int, PartyFigures] = {}
    per_community = []
    for community_id, community_name, street_id, street_name in communities:
        row = PartyFigures(community_name, **{k: v.get(community_id, 0) for k, v in figures.items()})
        per_community.append(row)
        by_street.setdefault(street_id, PartyFigures(street_name)).add(row)
    total = PartyFigures(scope_name(staff, per_community, list(by_street.values())))
    for row in per_community:
        total.add(row)
    streets = list(by_street.values()) if staff.community_id is None else []
    return PartyDashboard(total, streets, per_community)


def scope_name(staff: StaffAccount, communities: list[PartyFigures], streets: list[PartyFigures]) -> str:
    """What the scope is called: the community's name, the street's, or 全市."""
    if staff.community_id is not None:
        return communities[0].name if communities else ""
    if staff.street_id is not None:
        return streets[0].name if streets else ""
    return "全市"


def _reports_with_community(*conditions) -> list[tuple]:
    """(unit id, user id, real name, status, community name) of the reports matching, oldest first."""
    return list(
        db.session.execute(
            sa.select(
                PartyReport.unit_id,
                PartyReport.user_id,
                PartyReport.real_name,
                PartyReport.status,
                Community.name,
            )
            .join(Community, Community.id == PartyReport.community_id)
            .where(*conditions)
            .order_by(PartyReport.id)
        ).tuples()
    )


def lines_of_units(month: date) -> dict[int, dict[int, dict]]:
    """unit id → user id → the member's line of the month (what ``build_unit_reports`` stores): every
    approved member of an active unit, and everyone credited hours for it that month (with their newest
    report to it, revoked or lapsed since). Two or three statements."""
    first = month_start(month)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    active_units = sa.select(PartyUnit.id).where(PartyUnit.active)
    lines: dict[int, dict[int, dict]] = defaultdict(dict)
    for unit_id, user_id, real_name, status, community in _reports_with_community(
        PartyReport.status == APPROVED, PartyReport.unit_id.in_(active_units)
    ):
        lines[unit_id][user_id] = _line(user_id, real_name, community, status)
    served = db.session.execute(
        sa.select(
            ServiceHours.unit_id,
            ServiceHours.user_id,
            sa.func.count().filter(ServiceHours.source == ACTIVITY_SOURCE),
            sa.func.count(sa.distinct(ServiceHours.claim_id)),
            sa.func.sum(ServiceHours.minutes),
        )
        .where(
            ServiceHours.unit_id.in_(active_units),
            ServiceHours.served_on >= first,
            ServiceHours.served_on < after,
        )
        .group_by(ServiceHours.unit_id, ServiceHours.user_id)
    ).tuples()
    figures = {(int(u or 0), uid): (int(a), int(p), int(m or 0)) for u, uid, a, p, m in served}
    former = {(u, uid) for u, uid in figures if uid not in lines[u]}
    if former:  # credited, but no longer approved members of the unit: their newest report to it
        for unit_id, user_id, real_name, status, community in _reports_with_community(
            PartyReport.user_id.in_({uid for _, uid in former})
        ):
            if (unit_id, user_id) in former:
                lines[unit_id][user_id] = _line(user_id, real_name, community, status)
        for unit_id, user_id in former:
            lines[unit_id].setdefault(user_id, _line(user_id, "", "", REVOKED))
    for (unit_id, user_id), (activities, posts, minutes) in figures.items():
        lines[unit_id][user_id].update(
            activities=activities, posts=posts, minutes=minutes, hours=hours(minutes)
        )
    return lines


def _line(user_id: int, real_name: str, community: str, status: str) -> dict:
    return {
        "user_id": user_id,
        "name": mask_name(real_name) or f"党员{user_id}",
        "community": community,
        "status": status,
        "status_name": REPORT_STATUS_NAMES.get(status, ""),
        "activities": 0,
        "posts": 0,
        "minutes": 0,
        "hours": 0.0,
    }
