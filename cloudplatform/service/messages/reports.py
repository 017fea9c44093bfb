"""The console's reads of 建言献策 and 信箱留言: the inbox by kind and status (numbered pages, search, the
count of each tab), the statistics per community or street, and the dashboard's figures."""

import statistics
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from cloudplatform.clock import local_day_bounds
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import CITY_ADMIN, Community, StaffAccount, Street
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import NumberedPage, contains, numbered_page
from cloudplatform.service.messages.models import REPLIED, Message

REPLY = "message.reply"


def _scoped(staff: StaffAccount, *, q: str = "", kind: str | None = None, community_id: int | None = None):
    staff = permissions.require(staff, REPLY)
    stmt = sa.select(Message).where(scope_filter(staff, Message.community_id))
    if kind:
        stmt = stmt.where(Message.kind == kind)
    if community_id:
        stmt = stmt.where(Message.community_id == community_id)
    for word in q.split():
        stmt = stmt.where(contains(Message.content, word))
    return stmt


def inbox_page(
    staff: StaffAccount,
    status: str,
    *,
    q: str = "",
    kind: str | None = None,
    community_id: int | None = None,
    page: int = 1,
) -> NumberedPage:
    """One status of the inbox (waiting: oldest first; replied: newest first), two statements."""
    stmt = (
        _scoped(staff, q=q, kind=kind, community_id=community_id)
        .where(Message.status == status)
        .options(sa.orm.joinedload(Message.community), sa.orm.joinedload(Message.user))
    )
    order = [Message.id.desc()] if status == REPLIED else [Message.id]
    return numbered_page(stmt, order, page)


def status_counts(
    staff: StaffAccount, *, q: str = "", kind: str | None = None, community_id: int | None = None
) -> dict[str, int]:
    """How many messages each status holds under the search and filters (one statement)."""
    stmt = _scoped(staff, q=q, kind=kind, community_id=community_id)
    counted = stmt.with_only_columns(Message.status, sa.func.count(Message.id)).group_by(Message.status)
    return dict(db.session.execute(counted).tuples().all())


# -- statistics ----------------------------------------------------------------------------------------


@dataclass
class MessageFigures:
    name: str
    collected: int = 0
    answered: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def average_hours(self) -> float | None:
        return round(statistics.mean(self.hours), 1) if self.hours else None


def message_statistics(
    staff: StaffAccount, community_id: int | None = None, since: date | None = None, until: date | None = None
) -> tuple[MessageFigures, list[MessageFigures]]:
    """Messages in scope (written within the days given) per community (per street for the city):
    collected, answered and the average hours to an answer; the total first. One statement."""
    staff = permissions.require(staff, REPLY)
    by_street = staff.role == CITY_ADMIN and not community_id
    unit = (Street.id, Street.name) if by_street else (Community.id, Community.name)
    stmt = (
        sa.select(*unit, Message.created_at, Message.replied_at)
        .join(Community, Community.id == Message.community_id)
        .join(Street, Street.id == Community.street_id)
        .where(scope_filter(staff, Message.community_id))
    )
    if community_id:
        stmt = stmt.where(Message.community_id == community_id)
    if since:
        stmt = stmt.where(Message.created_at >= local_day_bounds(since)[0])
    if until:
        stmt = stmt.where(Message.created_at < local_day_bounds(until)[1])
    total = MessageFigures("合计")
    units: dict[int, MessageFigures] = {}
    for unit_id, name, created_at, replied_at in db.session.execute(stmt).tuples():
        for figures in (total, units.setdefault(unit_id, MessageFigures(name))):
            figures.collected += 1
            if replied_at is not None:
                figures.answered += 1
                figures.hours.append((replied_at - created_at).total_seconds() / 3600)
    return total, sorted(units.values(), key=lambda f: f.name)


# -- the dashboard ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    answered: int
    average_hours: float | None


def answered_figures(staff: StaffAccount) -> Answered:
    """The replied messages of the staff member's scope and the average hours to the answer (one
    statement: the database averages the days between writing and answer)."""
    if db.session.get_bind().dialect.name == "postgresql":
        span = sa.extract("epoch", Message.replied_at - Message.created_at) / 3600
    else:
        span = (sa.func.julianday(Message.replied_at) - sa.func.julianday(Message.created_at)) * 24
    answered, average = db.session.execute(
        sa.select(sa.func.count(Message.id), sa.func.avg(span)).where(
            scope_filter(staff, Message.community_id), Message.status == REPLIED
        )
    ).one()
    return Answered(answered or 0, round(float(average), 1) if average is not None else None)
