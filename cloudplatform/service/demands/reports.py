"""The console's reads of 群众点单: the board by 五单 stage (search, community filter, numbered pages, the
count of each stage), the organisation's own board, the organisations, the choices a dispatch or a merge
offers, the statistics per community or street, the export (audited) and the dashboard's figure."""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import local, local_day_bounds, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import CITY_ADMIN, Community, StaffAccount, Street
from cloudplatform.identity.permissions import requires, scope_filter
from cloudplatform.pagination import NumberedPage, contains, numbered_page, sort_order
from cloudplatform.privacy import mask_name
from cloudplatform.service.demands.models import (
    ACCEPTED,
    CATEGORIES,
    DISMISSED,
    DISPATCHED,
    DONE,
    MERGED,
    OPEN,
    RATED,
    STAGES,
    VERIFIED,
    Demand,
    DemandStep,
    Organisation,
    OrganisationCommunity,
    OrganisationStaff,
)
from cloudplatform.service.demands.queries import organisation_of

DISPATCH, MANAGE = "demand.dispatch", "organisation.manage"
CLOSED = "closed"
# the board's columns: the 五单 stage of each status, then the demands closed without the flow
COLUMNS = {**STAGES, CLOSED: "不予受理 / 已合并"}
CLOSED_STATUSES = (DISMISSED, MERGED)
RUNNING = (DISPATCHED, ACCEPTED)  # the deadline runs
BOARD_CARDS = 8  # the cards each column shows; the stage's list shows them all
SORTS: dict[str, list] = {
    "submitted": [Demand.submitted_at, Demand.id],
    "deadline": [Demand.deadline, Demand.id],
}
EXPORT_LIMIT = 5000


def column_statuses(column: str) -> tuple[str, ...]:
    return CLOSED_STATUSES if column == CLOSED else (column,)


def column_of(status: str) -> str:
    return CLOSED if status in CLOSED_STATUSES else status


def is_overdue(demand: Demand, today: date | None = None) -> bool:
    """Marked overdue by the daily job, or its deadline passed while it is being worked on."""
    today = today or local(now()).date()
    late = demand.deadline is not None and demand.deadline < today and demand.status in RUNNING
    return demand.overdue or late


# -- the board --------------------------------------------------------------------------------------------


def _scoped(staff: StaffAccount, *, q: str = "", community_id: int | None = None) -> sa.Select:
    """The demands of the staff member's communities matching the search (title, place, organisation)."""
    staff = permissions.require(staff, DISPATCH)
    stmt = (
        sa.select(Demand)
        .outerjoin(Organisation, Organisation.id == Demand.organisation_id)
        .where(scope_filter(staff, Demand.community_id))
    )
    if community_id:
        stmt = stmt.where(Demand.community_id == community_id)
    for word in q.split():
        stmt = stmt.where(
            sa.or_(
                contains(Demand.title, word),
                contains(Demand.location, word),
                contains(Organisation.name, word),
            )
        )
    return stmt


def _listed(stmt: sa.Select) -> sa.Select:
    return stmt.options(
        sa.orm.contains_eager(Demand.organisation),
        sa.orm.joinedload(Demand.community),
        sa.orm.joinedload(Demand.user),
    )


def column_counts(staff: StaffAccount, *, q: str = "", community_id: int | None = None) -> dict[str, int]:
    """How many demands each column holds under the search and filter (one statement)."""
    stmt = _scoped(staff, q=q, community_id=community_id)
    counted = stmt.with_only_columns(Demand.status, sa.func.count(Demand.id)).group_by(Demand.status)
    counts: dict[str, int] = {}
    for status, n in db.session.execute(counted).tuples():
        counts[column_of(status)] = counts.get(column_of(status), 0) + n
    return counts


def board(staff: StaffAccount, *, q: str = "", community_id: int | None = None) -> dict[str, list[Demand]]:
    """The newest ``BOARD_CARDS`` demands of each column (one statement)."""
    ranked = (
        _scoped(staff, q=q, community_id=community_id)
        .with_only_columns(
            Demand.id,
            sa.func.row_number().over(partition_by=Demand.status, order_by=Demand.id.desc()).label("n"),
        )
        .subquery()
    )
    stmt = _listed(
        sa.select(Demand)
        .outerjoin(Organisation, Organisation.id == Demand.organisation_id)
        .join(ranked, ranked.c.id == Demand.id)
        .where(ranked.c.n <= BOARD_CARDS)
        .order_by(Demand.id.desc())
    )
    columns: dict[str, list[Demand]] = {key: [] for key in COLUMNS}
    for demand in db.session.scalars(stmt).unique():
        cards = columns[column_of(demand.status)]
        if len(cards) < BOARD_CARDS:
            cards.append(demand)
    return columns


def column_page(
    staff: StaffAccount,
    column: str,
    *,
    q: str = "",
    community_id: int | None = None,
    sort: str = "",
    page: int = 1,
) -> NumberedPage:
    """One column of the board as a list (two statements), newest first unless sorted."""
    stmt = _scoped(staff, q=q, community_id=community_id).where(Demand.status.in_(column_statuses(column)))
    return numbered_page(_listed(stmt), sort_order(sort or "-submitted", SORTS), page)


# -- the export --------------------------------------------------------------------------------------------

HEADERS = [
    "编号",
    "提交时间",
    "社区",
    "居民",
    "类别",
    "诉求",
    "五单环节",
    "状态",
    "承办组织",
    "办理期限",
    "资金来源",
    "责任党员",
    "是否超期",
    "评价",
]


@requires(DISPATCH)
def export_demands(
    staff: StaffAccount,
    fmt: str,
    column: str | None,
    *,
    q: str = "",
    community_id: int | None = None,
    sort: str = "",
) -> tuple[list[str], list[list]]:
    """The board's demands (one column, or all) under its search and filter, the resident masked:
    (headers, rows). The export is recorded with its filters."""
    stmt = _scoped(staff, q=q, community_id=community_id)
    if column:
        stmt = stmt.where(Demand.status.in_(column_statuses(column)))
    stmt = _listed(stmt).order_by(*sort_order(sort or "-submitted", SORTS)).limit(EXPORT_LIMIT)
    today = local(now()).date()
    rows = [
        [
            d.id,
            f"{local(d.submitted_at):%Y-%m-%d %H:%M}",
            d.community.name,
            mask_name(d.user.nickname) or "",
            CATEGORIES.get(d.category, d.category),
            d.title,
            COLUMNS[column_of(d.status)],
            d.status_name,
            d.organisation.name if d.organisation else "",
            d.deadline.isoformat() if d.deadline else "",
            d.funding_source,
            d.responsible_member,
            is_overdue(d, today),
            d.rating if d.rating is not None else "",
        ]
        for d in db.session.scalars(stmt).unique()
    ]
    record(
        staff,
        "demand.export",
        community_id=staff.community_id,
        details={"format": fmt, "column": column, "q": q, "community_id": community_id, "rows": len(rows)},
    )
    return list(HEADERS), rows


# -- what a decision offers ----------------------------------------------------------------------------------

PICKER_LIMIT = 20


def _serving(community_id: int) -> sa.Select:
    return (
        sa.select(Organisation)
        .join(OrganisationCommunity, OrganisationCommunity.organisation_id == Organisation.id)
        .where(OrganisationCommunity.community_id == community_id, Organisation.active.is_(True))
    )


def organisation_options(community_id: int) -> list[tuple[int, str]] | None:
    """The active organisations serving the community by name for a select, or None when there are more
    than ``PICKER_LIMIT`` (the page offers the picker): one statement."""
    rows = db.session.scalars(_serving(community_id).order_by(Organisation.name).limit(PICKER_LIMIT + 1))
    found = [(o.id, o.name) for o in rows]
    return None if len(found) > PICKER_LIMIT else found


def search_organisations(community_id: int, q: str) -> list[tuple[int, str]]:
    """The picker's matches: active organisations serving the community whose name contains ``q``."""
    stmt = _serving(community_id)
    for word in q.split():
        stmt = stmt.where(contains(Organisation.name, word))
    return [(o.id, o.name) for o in db.session.scalars(stmt.order_by(Organisation.name).limit(PICKER_LIMIT))]


def merge_candidates(demand: Demand, limit: int = 50) -> list[tuple[int, str]]:
    """The other open demands of its community one may merge it into, newest first."""
    stmt = (
        sa.select(Demand.id, Demand.title)
        .where(Demand.community_id == demand.community_id, Demand.status.in_(OPEN), Demand.id != demand.id)
        .order_by(Demand.id.desc())
        .limit(limit)
    )
    return [(i, f"#{i} {title}") for i, title in db.session.execute(stmt).tuples()]


# -- the organisation's own board ------------------------------------------------------------------------

ORG_TABS = {DISPATCHED: "待接单", ACCEPTED: "办理中", DONE: "待验单", VERIFIED: "已验单", RATED: "已评价"}


def org_counts(staff: StaffAccount) -> dict[str, int]:
    """How many of the worker's organisation's demands each tab holds (one statement after the
    organisation)."""
    organisation = organisation_of(staff)
    stmt = (
        sa.select(Demand.status, sa.func.count(Demand.id))
        .where(Demand.organisation_id == organisation.id)
        .group_by(Demand.status)
    )
    return dict(db.session.execute(stmt).tuples().all())


def org_page(staff: StaffAccount, tab: str, page: int = 1) -> NumberedPage:
    """The worker's organisation's demands of one tab, the earliest deadline first (two statements)."""
    organisation = organisation_of(staff)
    stmt = (
        sa.select(Demand)
        .where(Demand.organisation_id == organisation.id, Demand.status == tab)
        .options(sa.orm.joinedload(Demand.community))
    )
    return numbered_page(stmt, [Demand.deadline, Demand.id], page)


# -- the organisations --------------------------------------------------------------------------------


def organisations_page(
    staff: StaffAccount,
    *,
    q: str = "",
    kind: str | None = None,
    community_id: int | None = None,
    page: int = 1,
) -> NumberedPage:
    """The organisations kept by the staff member's communities (two statements): search by name, 备案号
    or contact; filters by kind and home community."""
    staff = permissions.require(staff, MANAGE)
    stmt = (
        sa.select(Organisation)
        .where(scope_filter(staff, Organisation.community_id))
        .options(sa.orm.joinedload(Organisation.community))
    )
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if community_id:
        stmt = stmt.where(Organisation.community_id == community_id)
    for word in q.split():
        stmt = stmt.where(
            sa.or_(
                contains(Organisation.name, word),
                contains(Organisation.registration_no, word),
                contains(Organisation.contact_name, word),
            )
        )
    return numbered_page(stmt, [Organisation.name, Organisation.id], page)


def served_communities(organisation: Organisation) -> list[Community]:
    return list(
        db.session.scalars(
            sa.select(Community)
            .join(OrganisationCommunity, OrganisationCommunity.community_id == Community.id)
            .where(OrganisationCommunity.organisation_id == organisation.id)
            .order_by(Community.name)
        )
    )


def workers(organisation: Organisation) -> list[StaffAccount]:
    return list(
        db.session.scalars(
            sa.select(StaffAccount)
            .join(OrganisationStaff, OrganisationStaff.staff_id == StaffAccount.id)
            .where(OrganisationStaff.organisation_id == organisation.id)
            .order_by(StaffAccount.username)
        )
    )


# -- statistics ------------------------------------------------------------------------------------------

REACHED = {  # a demand that reached a status has been through the ones before it
    DISPATCHED: (DISPATCHED, ACCEPTED, DONE, VERIFIED, RATED),
    DONE: (DONE, VERIFIED, RATED),
    VERIFIED: (VERIFIED, RATED),
    RATED: (RATED,),
}
STEP_TIMES = {  # the median hours of each step: from the step before to it
    "dispatch": "下单",
    "accept": "接单",
    "report_done": "办结",
    "verify": "验单",
}


@dataclass
class DemandFigures:
    name: str
    collected: int = 0
    dispatched: int = 0
    done: int = 0
    verified: int = 0
    rated: int = 0
    ratings: list[int] = field(default_factory=list)
    hours: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in STEP_TIMES})

    def add(self, status: str, rating: int | None, times: dict[str, float]) -> None:
        self.collected += 1
        self.dispatched += status in REACHED[DISPATCHED]
        self.done += status in REACHED[DONE]
        self.verified += status in REACHED[VERIFIED]
        self.rated += status in REACHED[RATED]
        if rating is not None:
            self.ratings.append(rating)
        for key, value in times.items():
            self.hours[key].append(value)

    @property
    def average_rating(self) -> float | None:
        return round(statistics.mean(self.ratings), 1) if self.ratings else None

    def median_hours(self, key: str) -> float | None:
        values = self.hours[key]
        return round(statistics.median(values), 1) if values else None


@dataclass
class DemandStatistics:
    by: str  # 社区 or 街道
    total: DemandFigures
    units: list[DemandFigures]


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def demand_statistics(
    staff: StaffAccount, community_id: int | None = None, since: date | None = None, until: date | None = None
) -> DemandStatistics:
    """Demands in scope (submitted within the days given) per community (per street for the city) with
    how far they got, their average rating and the median hours of each step: two statements (the
    demands, then the last acceptance of each)."""
    staff = permissions.require(staff, DISPATCH)
    by_street = staff.role == CITY_ADMIN and not community_id
    unit = (Street.id, Street.name) if by_street else (Community.id, Community.name)
    stmt = (
        sa.select(
            *unit,
            Demand.id,
            Demand.status,
            Demand.rating,
            Demand.submitted_at,
            Demand.dispatched_at,
            Demand.done_at,
            Demand.verified_at,
        )
        .join(Community, Community.id == Demand.community_id)
        .join(Street, Street.id == Community.street_id)
        .where(scope_filter(staff, Demand.community_id), Demand.status.not_in(CLOSED_STATUSES))
    )
    if community_id:
        stmt = stmt.where(Demand.community_id == community_id)
    if since:
        stmt = stmt.where(Demand.submitted_at >= local_day_bounds(since)[0])
    if until:
        stmt = stmt.where(Demand.submitted_at < local_day_bounds(until)[1])
    rows = db.session.execute(stmt).all()
    firsts = (
        sa.select(DemandStep.demand_id, sa.func.max(DemandStep.created_at))
        .where(DemandStep.action == "accept", DemandStep.demand_id.in_(stmt.with_only_columns(Demand.id)))
        .group_by(DemandStep.demand_id)
    )
    accepted = {demand_id: at for demand_id, at in db.session.execute(firsts).all()}
    total = DemandFigures("合计")
    units: dict[int, DemandFigures] = {}
    for unit_id, unit_name, demand_id, status, rating, submitted, dispatched, done, verified in rows:
        accepted_at = accepted.get(demand_id)
        spans = {
            "dispatch": _hours(submitted, dispatched),
            "accept": _hours(dispatched, accepted_at),
            "report_done": _hours(accepted_at, done),
            "verify": _hours(done, verified),
        }
        times = {k: v for k, v in spans.items() if v is not None and v >= 0}
        for figures in (total, units.setdefault(unit_id, DemandFigures(unit_name))):
            figures.add(status, rating, times)
    return DemandStatistics(
        "街道" if by_street else "社区", total, sorted(units.values(), key=lambda f: f.name)
    )


# -- the dashboard ---------------------------------------------------------------------------------------


def collected_count(staff: StaffAccount) -> int:
    """The demands residents have ordered in the staff member's scope (one statement)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Demand.id)).where(
                scope_filter(staff, Demand.community_id), Demand.status != MERGED
            )
        )
        or 0
    )
