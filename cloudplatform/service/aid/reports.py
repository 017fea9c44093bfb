"""The console's reads of 困难救助: the review queue by step (search, filters, sort, numbered pages), the
公示 list, the statistics per community or street, the exports (audited) and the dashboard's count of
cases waiting for the staff member's step."""

import statistics
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from cloudplatform import crypto
from cloudplatform.audit.operations import record
from cloudplatform.clock import local, local_day_bounds, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import CITY_ADMIN, STREET_ADMIN, Community, StaffAccount, Street
from cloudplatform.identity.permissions import requires, scope_filter
from cloudplatform.pagination import NumberedPage, contains, numbered_page, sort_order
from cloudplatform.service.aid.models import (
    CLOCK_RUNNING,
    GRANTED,
    ID_NUMBER_COLUMN,
    INCOMPLETE,
    PUBLICITY,
    REJECTED,
    REVIEW,
    STREET_REVIEW,
    SUBMITTED,
    WITHDRAWN,
    AidApplication,
    AidCategory,
    AidObjection,
)
from cloudplatform.service.workdays.models import CalendarDay

REVIEW_RIGHT, SENSITIVE_RIGHT = "aid.review", "aid.export_sensitive"
DONE = "done"
DECIDED = (GRANTED, REJECTED, WITHDRAWN)
# the queue's tabs: a status, or every decided case
STEPS = {
    SUBMITTED: "待受理",
    INCOMPLETE: "待补正材料",
    REVIEW: "社区审核",
    PUBLICITY: "公示中",
    STREET_REVIEW: "街道审批",
    DONE: "已办结",
}
COMMUNITY_STEPS = (SUBMITTED, REVIEW, PUBLICITY)  # what community workers act on
SORTS: dict[str, list] = {
    "due": [AidApplication.due_on, AidApplication.id],
    "submitted": [AidApplication.submitted_at, AidApplication.id],
    "decided": [AidApplication.decided_at, AidApplication.id],
}
EXPORT_LIMIT = 5000


def step_statuses(step: str) -> tuple[str, ...]:
    return DECIDED if step == DONE else (step,)


def _scoped(staff: StaffAccount, *, q: str = "", community_id: int | None, category_id: int | None):
    """The cases in the staff member's communities matching the search and filters (403 without the
    right): search by the applicant's name, room or category."""
    staff = permissions.require(staff, REVIEW_RIGHT)
    stmt = (
        sa.select(AidApplication)
        .join(AidCategory, AidCategory.id == AidApplication.category_id)
        .where(scope_filter(staff, AidApplication.community_id, AidApplication.building_id))
    )
    if community_id:
        stmt = stmt.where(AidApplication.community_id == community_id)
    if category_id:
        stmt = stmt.where(AidApplication.category_id == category_id)
    for word in q.split():
        stmt = stmt.where(
            sa.or_(
                contains(AidApplication.applicant_name, word),
                contains(AidApplication.room, word),
                contains(AidCategory.name, word),
            )
        )
    return stmt


def queue_page(
    staff: StaffAccount,
    step: str,
    *,
    q: str = "",
    community_id: int | None = None,
    category_id: int | None = None,
    sort: str = "",
    page: int = 1,
) -> NumberedPage:
    """One tab of the queue (two statements): the open steps by deadline, the decided newest first."""
    stmt = _scoped(staff, q=q, community_id=community_id, category_id=category_id)
    stmt = stmt.where(AidApplication.status.in_(step_statuses(step))).options(
        sa.orm.contains_eager(AidApplication.category), sa.orm.joinedload(AidApplication.community)
    )
    return numbered_page(stmt, sort_order(sort, SORTS), page)


def step_counts(
    staff: StaffAccount, *, q: str = "", community_id: int | None = None, category_id: int | None = None
) -> dict[str, int]:
    """How many cases each tab holds under the same search and filters (one statement)."""
    stmt = _scoped(staff, q=q, community_id=community_id, category_id=category_id)
    counted = stmt.with_only_columns(AidApplication.status, sa.func.count(AidApplication.id)).group_by(
        AidApplication.status
    )
    counts: dict[str, int] = {}
    for status, n in db.session.execute(counted).tuples():
        key = DONE if status in DECIDED else status
        counts[key] = counts.get(key, 0) + n
    return counts


# -- the dashboard's card ----------------------------------------------------------------------------------


class WaitingCount(int):
    """A count that also says how many of the cases are past their deadline."""

    overdue: int

    def __new__(cls, value: int, overdue: int) -> "WaitingCount":
        made = super().__new__(cls, value)
        made.overdue = overdue
        return made


def waiting_steps(staff: StaffAccount) -> tuple[str, ...]:
    """The steps that wait for this staff member: the street's approval for street and city admins,
    acceptance, review and 公示 for community workers."""
    return (STREET_REVIEW,) if staff.role in (STREET_ADMIN, CITY_ADMIN) else COMMUNITY_STEPS


def waiting_count(staff: StaffAccount) -> WaitingCount:
    """The cases in scope waiting for the staff member's step, and how many are overdue (one statement)."""
    today = local(now()).date()
    overdue = sa.and_(AidApplication.due_on < today, AidApplication.status.in_(CLOCK_RUNNING))
    waiting, late = db.session.execute(
        sa.select(
            sa.func.count(AidApplication.id),
            sa.func.coalesce(sa.func.sum(sa.case((overdue, 1), else_=0)), 0),
        ).where(
            scope_filter(staff, AidApplication.community_id, AidApplication.building_id),
            AidApplication.status.in_(waiting_steps(staff)),
        )
    ).one()
    return WaitingCount(waiting or 0, int(late or 0))


# -- 公示 ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicityRow:
    application: AidApplication
    objections: int
    unanswered: int


def publicity_list(staff: StaffAccount, community_id: int | None = None) -> list[PublicityRow]:
    """The cases in 公示 in scope (their period running or ended, waiting to go on), the soonest ending
    first, with their objections and how many have no answer (one statement)."""
    staff = permissions.require(staff, REVIEW_RIGHT)
    objections = (
        sa.select(
            AidObjection.application_id,
            sa.func.count(AidObjection.id).label("total"),
            sa.func.sum(sa.case((AidObjection.answered_at.is_(None), 1), else_=0)).label("open"),
        )
        .group_by(AidObjection.application_id)
        .subquery()
    )
    stmt = (
        sa.select(AidApplication, objections.c.total, objections.c.open)
        .outerjoin(objections, objections.c.application_id == AidApplication.id)
        .where(
            scope_filter(staff, AidApplication.community_id, AidApplication.building_id),
            AidApplication.status == PUBLICITY,
        )
        .options(sa.orm.joinedload(AidApplication.category), sa.orm.joinedload(AidApplication.community))
        .order_by(AidApplication.publicity_ends_on, AidApplication.id)
    )
    if community_id:
        stmt = stmt.where(AidApplication.community_id == community_id)
    return [PublicityRow(a, int(total or 0), int(open_ or 0)) for a, total, open_ in db.session.execute(stmt)]


# -- statistics ------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """Applications of one group by outcome, and the median days from submission to decision."""

    name: str
    total: int = 0
    open: int = 0
    granted: int = 0
    rejected: int = 0
    withdrawn: int = 0
    days: list[float] = field(default_factory=list)

    def add(self, status: str, days: float | None) -> None:
        self.total += 1
        if status == GRANTED:
            self.granted += 1
        elif status == REJECTED:
            self.rejected += 1
        elif status == WITHDRAWN:
            self.withdrawn += 1
        else:
            self.open += 1
        if days is not None:
            self.days.append(days)

    @property
    def median_days(self) -> float | None:
        """Median calendar days to a decision (granted or rejected), one decimal; None before any."""
        return round(statistics.median(self.days), 1) if self.days else None


@dataclass
class Statistics:
    by: str  # 社区 or 街道
    total: Figures
    units: list[Figures]
    categories: list[Figures]


def application_statistics(
    staff: StaffAccount, community_id: int | None = None, since: date | None = None, until: date | None = None
) -> Statistics:
    """Applications in scope (submitted within the days given, Beijing time) by community (or by street
    for the city) and by category, each by outcome with the median days to a decision: one statement."""
    staff = permissions.require(staff, REVIEW_RIGHT)
    by_street = staff.role == CITY_ADMIN and not community_id
    unit = (Street.id, Street.name) if by_street else (Community.id, Community.name)
    stmt = (
        sa.select(
            *unit,
            AidCategory.sort,
            AidCategory.name,
            AidApplication.status,
            AidApplication.submitted_at,
            AidApplication.decided_at,
        )
        .join(AidCategory, AidCategory.id == AidApplication.category_id)
        .join(Community, Community.id == AidApplication.community_id)
        .join(Street, Street.id == Community.street_id)
        .where(scope_filter(staff, AidApplication.community_id, AidApplication.building_id))
    )
    if community_id:
        stmt = stmt.where(AidApplication.community_id == community_id)
    if since:
        stmt = stmt.where(AidApplication.submitted_at >= local_day_bounds(since)[0])
    if until:
        stmt = stmt.where(AidApplication.submitted_at < local_day_bounds(until)[1])
    total = Figures("合计")
    units: dict[int, Figures] = {}
    categories: dict[tuple[int, str], Figures] = {}
    for unit_id, unit_name, sort, category, status, submitted_at, decided_at in db.session.execute(stmt):
        days = None
        if status in (GRANTED, REJECTED) and decided_at is not None:
            days = (decided_at - submitted_at).total_seconds() / 86400
        for figures in (
            total,
            units.setdefault(unit_id, Figures(unit_name)),
            categories.setdefault((sort, category), Figures(category)),
        ):
            figures.add(status, days)
    return Statistics(
        "街道" if by_street else "社区",
        total,
        sorted(units.values(), key=lambda f: f.name),
        [categories[key] for key in sorted(categories)],
    )


# -- exports -----------------------------------------------------------------------------------------------

HEADERS = [
    "编号",
    "提交时间",
    "社区",
    "类别",
    "状态",
    "申请金额（元）",
    "批准金额（元）",
    "截止日期",
    "办结时间",
]
SENSITIVE_HEADERS = ["申请人", "联系电话", "身份证号码"]


def _yuan(fen: int | None) -> float | str:
    return round(fen / 100, 2) if fen is not None else ""


@requires(REVIEW_RIGHT)
def export_applications(
    staff: StaffAccount,
    fmt: str,
    step: str,
    *,
    q: str = "",
    community_id: int | None = None,
    category_id: int | None = None,
    sort: str = "",
) -> tuple[list[str], list[list]]:
    """The queue's tab under its filters to take away: (headers, rows). The applicant's name, phone and
    ID number are columns only for a staff member allowed them (``aid.export_sensitive``), decrypted; the
    export is recorded with its filters and whether those columns were in it."""
    sensitive = permissions.allows(staff, SENSITIVE_RIGHT)
    stmt = _scoped(staff, q=q, community_id=community_id, category_id=category_id)
    stmt = (
        stmt.where(AidApplication.status.in_(step_statuses(step)))
        .options(sa.orm.contains_eager(AidApplication.category), sa.orm.joinedload(AidApplication.community))
        .order_by(*sort_order(sort, SORTS))
        .limit(EXPORT_LIMIT)
    )
    applications = list(db.session.scalars(stmt))
    rows = []
    for a in applications:
        row = [
            a.id,
            f"{local(a.submitted_at):%Y-%m-%d %H:%M}",
            a.community.name,
            a.category.name,
            a.status_name,
            _yuan(a.amount_requested),
            _yuan(a.granted_amount),
            a.due_on.isoformat() if a.due_on else "",
            f"{local(a.decided_at):%Y-%m-%d %H:%M}" if a.decided_at else "",
        ]
        if sensitive:
            number = crypto.unseal(a.id_number_key_id, a.id_number_sealed, ID_NUMBER_COLUMN)
            row[1:1] = [a.applicant_name, a.phone, number]
        rows.append(row)
    headers = [HEADERS[0], *SENSITIVE_HEADERS, *HEADERS[1:]] if sensitive else list(HEADERS)
    record(
        staff,
        "aid_application.export",
        community_id=staff.community_id,
        details={
            "format": fmt,
            "step": step,
            "q": q,
            "community_id": community_id,
            "category_id": category_id,
            "sensitive": sensitive,
            "rows": len(rows),
        },
    )
    return headers, rows


# -- the holiday calendar ----------------------------------------------------------------------------------


def calendar_days(year: int) -> list[CalendarDay]:
    """The dates of ``year`` that break the weekday rule (holidays and worked weekend days), in order."""
    return list(
        db.session.scalars(
            sa.select(CalendarDay)
            .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
            .order_by(CalendarDay.day)
        )
    )
