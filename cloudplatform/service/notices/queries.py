"""Who sees which notice (the one visibility rule), and the reads behind the feed and the statistics."""

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    CITY_ADMIN,
    PARTY_MEMBER,
    RESIDENT,
    STREET_ADMIN,
    VOLUNTEER,
    Building,
    Community,
    Grid,
    Membership,
    StaffAccount,
    Street,
    User,
)
from cloudplatform.identity.permissions import require, scope_filter
from cloudplatform.pagination import Keyset, NumberedPage, contains, numbered_page
from cloudplatform.service.notices.errors import (
    BroadcastNotAllowed,
    BroadcastNotFound,
    InvalidBroadcastScope,
    NoticeNotFound,
    StreetNotFound,
)
from cloudplatform.service.notices.models import (
    ALL,
    BUILDINGS,
    CITY,
    GRIDS,
    PARTY_MEMBERS,
    STREET,
    VOLUNTEERS,
    Notice,
    NoticeBroadcast,
    NoticeReceipt,
    NoticeTarget,
    NoticeUpload,
)
from cloudplatform.service.uploads.models import Upload
from cloudplatform.service.uploads.queries import attached_uploads, load_attached_upload

AUDIENCE_NAMES = {
    ALL: "全体居民",
    PARTY_MEMBERS: "在职党员",
    VOLUNTEERS: "志愿者",
    GRIDS: "指定网格",
    BUILDINGS: "指定楼栋",
}
SCHEDULED, PUBLISHED, EXPIRED, WITHDRAWN = "scheduled", "published", "expired", "withdrawn"
STATUS_NAMES = {SCHEDULED: "待发布", PUBLISHED: "已发布", EXPIRED: "已过期", WITHDRAWN: "已撤回"}
SCOPE_NAMES = {STREET: "街道通知", CITY: "全市通知"}
SINGLE = "single"  # the list's filter for notices of one community (not a street's or the city's)
KIND_NAMES = {SINGLE: "单社区", STREET: "街道", CITY: "全市"}
LIST_SORTS = ("-publish", "publish", "-reads", "reads")
# The feed's order, newest first with pinned notices on top: ix_notice_feed after its community_id.
FEED_ORDER = [Notice.pinned, Notice.publish_at, Notice.id]
# What the feed shows of a notice (``NoticeSchema``), read as rows: the summary is made from the body.
FEED_COLUMNS = [
    *(Notice.id, Notice.community_id, Notice.title, Notice.body, Notice.audience),
    *(Notice.pinned, Notice.publish_at, Notice.expires_at),
]
SUMMARY_LENGTH = 60


def is_published(at) -> sa.ColumnElement[bool]:
    """SQL: the notice is out at ``at``: its publish time has come, not withdrawn, not expired."""
    return sa.and_(
        Notice.publish_at <= at,
        Notice.withdrawn_at.is_(None),
        sa.or_(Notice.expires_at.is_(None), Notice.expires_at > at),
    )


def in_audience(member: type[Membership]) -> sa.ColumnElement[bool]:
    """SQL: the Membership row ``member`` puts its user in the audience of the query's Notice.

    all: any role in the notice's community; party_members / volunteers: that role; grids / buildings:
    the resident's building is a target or lies in a target grid.
    """
    # correlate explicitly: inside visible_to's EXISTS the Notice is two levels up
    target_buildings = (
        sa.select(NoticeTarget.building_id)
        .where(NoticeTarget.notice_id == Notice.id, NoticeTarget.building_id.is_not(None))
        .correlate(Notice)
    )
    buildings_of_target_grids = (
        sa.select(Building.id)
        .join(NoticeTarget, NoticeTarget.grid_id == Building.grid_id)
        .where(NoticeTarget.notice_id == Notice.id)
        .correlate(Notice)
    )
    return sa.and_(
        member.community_id == Notice.community_id,
        sa.or_(
            Notice.audience == ALL,
            sa.and_(Notice.audience == PARTY_MEMBERS, member.role == PARTY_MEMBER),
            sa.and_(Notice.audience == VOLUNTEERS, member.role == VOLUNTEER),
            sa.and_(
                Notice.audience == GRIDS,
                member.role == RESIDENT,
                member.building_id.in_(buildings_of_target_grids),
            ),
            sa.and_(
                Notice.audience == BUILDINGS,
                member.role == RESIDENT,
                member.building_id.in_(target_buildings),
            ),
        ),
    )


def visible_to(user: User, at: datetime | None = None) -> sa.ColumnElement[bool]:
    """SQL: the user may read the notice now — it is published and they are in its audience."""
    return _visible(user.id, at or now())


def _visible(user_id, at) -> sa.ColumnElement[bool]:
    """``visible_to`` of a user id and a time, each a value or a bound parameter."""
    membership = sa.select(Membership.id).where(Membership.user_id == user_id, in_audience(Membership))
    return sa.and_(is_published(at), membership.exists())


def load_visible(user: User, notice_id: int) -> Notice:
    """The notice if the user may read it; 404 otherwise (another community, audience or not out)."""
    notice = db.session.scalar(sa.select(Notice).where(Notice.id == notice_id, visible_to(user)))
    if notice is None:
        raise NoticeNotFound()
    return notice


@dataclass(frozen=True)
class FeedItem:
    """A notice as one user sees it: with whether they have read it."""

    notice: Any  # a Notice, or a row of the feed's columns
    read: bool

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "notice":  # copy and pickle probe before __init__
            raise AttributeError(name)
        return getattr(self.notice, name)

    @property
    def summary(self) -> str:
        text = re.sub(r"\s+", " ", self.notice.body).strip()
        return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


@dataclass(frozen=True)
class NoticeDetail(FeedItem):
    """A notice in full for one user, with its attachments: links and uploaded files' download URLs."""

    attachments: list[dict] = field(default_factory=list)


def _feed_statements(mine: bool) -> tuple[Keyset, sa.Select]:
    """(the page, the unread count) of the visible notices of community ``:community_id``, or of all the
    user's communities (``mine``: an index-friendly IN), for ``:user_id`` at ``:at``. The page's rows
    carry the feed's columns, the read mark (``read``) and the count (``unread``: a subquery PostgreSQL
    and SQLite run once), so a non-empty page is one statement; the count alone is for an empty page.
    Built once per kind: every notice list runs them, with bound values."""
    user_id = sa.bindparam("user_id", type_=sa.Integer)
    at = sa.bindparam("at", type_=Notice.publish_at.type)
    community: sa.ColumnElement[bool]
    if mine:
        community = Notice.community_id.in_(
            sa.select(Membership.community_id).where(Membership.user_id == user_id)
        )
    else:
        community = Notice.community_id == sa.bindparam("community_id", type_=sa.Integer)
    where = [community, _visible(user_id, at)]
    unread = (
        sa.select(sa.func.count())
        .select_from(Notice)
        .where(*where, Notice.id.not_in(notices_read_by(user_id)))
    )
    page = sa.select(
        *FEED_COLUMNS,
        receipt_exists(Notice.id, user_id).label("read"),
        unread.scalar_subquery().correlate(None).label("unread"),
    ).where(*where)
    return Keyset(page, FEED_ORDER), unread


def notice_feed(
    user: User, community_id: int | None, cursor: str | None, limit: int
) -> tuple[list[FeedItem], str | None, int]:
    """(a page of visible notices, pinned first then newest; the next cursor; how many are unread).

    One statement whatever the page size, the page with each notice's read mark and the unread count;
    two when the page is empty (a cursor past the end, nothing to read).
    """
    page, unread_count = FEED[community_id is None]
    params = {"user_id": user.id, "community_id": community_id, "at": now()}
    rows, next_cursor = page.page(cursor, limit, params)
    unread = rows[0].unread if rows else db.session.scalar(unread_count, params)
    return [FeedItem(row, bool(row.read)) for row in rows], next_cursor, unread


def notices_read_by(user_id) -> sa.Select:
    """The ids of the notices the user has read: an index-only scan of ix_notice_receipt_user_notice.

    The unread count takes the visible notices NOT IN these rather than those with NOT EXISTS a receipt:
    PostgreSQL plans NOT EXISTS as an anti-join, and as its statistics give a user a couple of receipts, as
    a nested loop comparing every visible notice with every receipt the user ever made (notices ×
    receipts, each receipt fetched from the table); NOT IN over a NOT NULL column is one hashed subplan
    whatever the estimate: the user's receipts read once from the index, then a probe per notice.
    """
    return sa.select(NoticeReceipt.notice_id).where(NoticeReceipt.user_id == user_id)


def receipt_exists(notice_id, user_id) -> sa.Exists:
    return sa.exists().where(NoticeReceipt.notice_id == notice_id, NoticeReceipt.user_id == user_id)


FEED = {mine: _feed_statements(mine) for mine in (False, True)}


def status_of(notice: Notice, at: datetime | None = None) -> str:
    at = at or now()
    if notice.withdrawn_at is not None:
        return WITHDRAWN
    if notice.publish_at > at:
        return SCHEDULED
    if notice.expires_at is not None and notice.expires_at <= at:
        return EXPIRED
    return PUBLISHED


def target_names(notice: Notice) -> list[str]:
    """The names of the grids or buildings a targeted notice is for."""
    return list(
        db.session.scalars(
            sa.select(sa.func.coalesce(Grid.name, Building.name))
            .select_from(NoticeTarget)
            .outerjoin(Grid, Grid.id == NoticeTarget.grid_id)
            .outerjoin(Building, Building.id == NoticeTarget.building_id)
            .where(NoticeTarget.notice_id == notice.id)
            .order_by(NoticeTarget.id)
        )
    )


# The staff's side: the console's list and a notice's details.


def status_is(status: str, at: datetime | None = None) -> sa.ColumnElement[bool]:
    """SQL: the notice's ``status_of`` is ``status`` at ``at``."""
    at = at or now()
    live = Notice.withdrawn_at.is_(None)
    expired = sa.and_(Notice.expires_at.is_not(None), Notice.expires_at <= at)
    return {
        WITHDRAWN: Notice.withdrawn_at.is_not(None),
        SCHEDULED: sa.and_(live, Notice.publish_at > at),
        EXPIRED: sa.and_(live, Notice.publish_at <= at, expired),
        PUBLISHED: is_published(at),
    }[status]


def groups_broadcasts(staff: StaffAccount) -> bool:
    """Whether the staff member's list shows a street's or the city's notice as one row (street and city
    admins); a community's staff see their community's copy as a notice of their own."""
    return staff.role in (STREET_ADMIN, CITY_ADMIN)


@dataclass(frozen=True)
class NoticeRow:
    """A row of the console's list: a notice, or (``communities`` set) a street's or the city's notice
    standing for its copies in the staff member's communities, with their reads added up."""

    notice: Notice
    broadcast: NoticeBroadcast | None = None
    communities: int | None = None
    read_count: int = 0

    @property
    def grouped(self) -> bool:
        return self.communities is not None


def notices_list(
    staff: StaffAccount,
    *,
    q: str = "",
    status: str | None = None,
    audience: str | None = None,
    community_id: int | None = None,
    kind: str | None = None,
    sort: str = LIST_SORTS[0],
    page: int = 1,
    per_page: int = 50,
) -> NumberedPage:
    """The console's list of notices in the staff member's scope, of ``NoticeRow``: titles containing
    ``q``, of a status, audience, community and kind (single / street / city) if given, sorted by publish
    time or reads (``LIST_SORTS``), with the total. For street and city admins a street's or the city's
    notice is one row (its copies in their communities, reads added up) unless a community is chosen.
    Three statements: the total, the page, and the street's or city's notices on it with their counts."""
    at = now()
    in_scope = scope_filter(staff, Notice.community_id)
    stmt = sa.select(Notice).where(in_scope)
    if q:
        stmt = stmt.where(contains(Notice.title, q))
    if status in STATUS_NAMES:
        stmt = stmt.where(status_is(status, at))
    if audience in AUDIENCE_NAMES:
        stmt = stmt.where(Notice.audience == audience)
    if community_id is not None:
        stmt = stmt.where(Notice.community_id == community_id)
    if kind == SINGLE:
        stmt = stmt.where(Notice.broadcast_id.is_(None))
    elif kind in SCOPE_NAMES:
        stmt = stmt.where(
            Notice.broadcast_id.in_(sa.select(NoticeBroadcast.id).where(NoticeBroadcast.scope == kind))
        )
    grouped = groups_broadcasts(staff) and community_id is None
    reads: sa.SQLColumnExpression[int] = Notice.read_count
    if grouped:
        copy = sa.orm.aliased(Notice)
        first_copies = (
            sa.select(sa.func.min(copy.id))
            .where(copy.broadcast_id.is_not(None), scope_filter(staff, copy.community_id))
            .group_by(copy.broadcast_id)
        )
        stmt = stmt.where(sa.or_(Notice.broadcast_id.is_(None), Notice.id.in_(first_copies)))
        copies_read = (
            sa.select(sa.func.sum(copy.read_count))
            .where(copy.broadcast_id == Notice.broadcast_id, scope_filter(staff, copy.community_id))
            .correlate(Notice)
            .scalar_subquery()
        )
        reads = sa.case((Notice.broadcast_id.is_(None), Notice.read_count), else_=copies_read)
    key = {"publish": Notice.publish_at, "reads": reads}[sort.lstrip("-")]
    descending = sort.startswith("-")
    order = [key.desc(), Notice.id.desc()] if descending else [key.asc(), Notice.id.asc()]
    result = numbered_page(stmt, order, page, per_page)
    broadcasts = _broadcasts_in_scope(staff, {n.broadcast_id for n in result.items})
    rows = []
    for notice in result.items:
        broadcast, communities, read = broadcasts.get(notice.broadcast_id, (None, 0, 0))
        if grouped and broadcast is not None:
            rows.append(NoticeRow(notice, broadcast, communities, read))
        else:
            rows.append(NoticeRow(notice, broadcast, None, notice.read_count))
    return dataclasses.replace(result, items=rows)


def _broadcasts_in_scope(
    staff: StaffAccount, ids: set[int | None]
) -> dict[int, tuple[NoticeBroadcast, int, int]]:
    """broadcast id → (it, how many of its copies are in scope, their reads): one statement, none for none."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    copies = (
        sa.select(
            Notice.broadcast_id,
            sa.func.count(Notice.id).label("communities"),
            sa.func.sum(Notice.read_count).label("read"),
        )
        .where(Notice.broadcast_id.in_(ids), scope_filter(staff, Notice.community_id))
        .group_by(Notice.broadcast_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(NoticeBroadcast, copies.c.communities, copies.c.read).join(
            copies, copies.c.broadcast_id == NoticeBroadcast.id
        )
    )
    return {b.id: (b, communities, read or 0) for b, communities, read in rows}


def broadcast_of(notice: Notice) -> NoticeBroadcast | None:
    """The street's or city's notice this one is a community's copy of (None for a community's own)."""
    return db.session.get(NoticeBroadcast, notice.broadcast_id) if notice.broadcast_id else None


def load_broadcast(staff: StaffAccount | None, broadcast_id: int, action: str) -> NoticeBroadcast:
    """A street's or the city's notice with a copy in the staff member's communities: 403 without the
    right, 404 otherwise (another street's)."""
    staff = require(staff, action)
    broadcast = db.session.scalar(
        sa.select(NoticeBroadcast).where(
            NoticeBroadcast.id == broadcast_id,
            sa.exists().where(
                Notice.broadcast_id == NoticeBroadcast.id, scope_filter(staff, Notice.community_id)
            ),
        )
    )
    if broadcast is None:
        raise BroadcastNotFound()
    return broadcast


def broadcast_copies(staff: StaffAccount, broadcast: NoticeBroadcast) -> list[Notice]:
    """The broadcast's notices in the staff member's communities, by id."""
    return list(
        db.session.scalars(
            sa.select(Notice)
            .where(Notice.broadcast_id == broadcast.id, scope_filter(staff, Notice.community_id))
            .order_by(Notice.id)
        )
    )


def audience_pairs(notice_filter: sa.ColumnElement[bool]) -> sa.Select:
    """(notice_id, user_id) of every (not deleted) user each notice matching ``notice_filter`` is for,
    each pair once."""
    return (
        sa.select(Notice.id.label("notice_id"), Membership.user_id.label("user_id"))
        .select_from(Notice)
        .join(Membership, in_audience(Membership))
        .join(User, User.id == Membership.user_id)
        .where(notice_filter, User.deleted_at.is_(None))
        .distinct()
    )


def reads_by_community(staff: StaffAccount, broadcast: NoticeBroadcast) -> list[sa.Row]:
    """Per copy in the staff member's communities: (notice_id, community_id, name, audience, read), by
    community name; one statement."""
    in_scope = sa.and_(Notice.broadcast_id == broadcast.id, scope_filter(staff, Notice.community_id))
    pairs = audience_pairs(in_scope).subquery()
    return list(
        db.session.execute(
            sa.select(
                Notice.id.label("notice_id"),
                Community.id.label("community_id"),
                Community.name,
                sa.func.count(pairs.c.user_id).label("audience"),
                sa.func.count(NoticeReceipt.id).label("read"),
            )
            .select_from(Notice)
            .join(Community, Community.id == Notice.community_id)
            .outerjoin(pairs, pairs.c.notice_id == Notice.id)
            .outerjoin(
                NoticeReceipt,
                sa.and_(
                    NoticeReceipt.notice_id == pairs.c.notice_id, NoticeReceipt.user_id == pairs.c.user_id
                ),
            )
            .where(in_scope)
            .group_by(Notice.id, Community.id, Community.name)
            .order_by(Community.name, Community.id)
        )
    )


def broadcast_communities(staff: StaffAccount, scope: str, street_id: int | None) -> list[int]:
    """The ids of the communities a street's (``street_id``) or the city's notice goes to, if the staff
    member may publish it: a street admin to its own street, a city admin to any street or the city.

    :raises Forbidden: a community's staff, or a street admin naming the city.
    :raises NotFound: the street is not there, is another street admin's, or has no community.
    :raises Unprocessable: not "street" or "city".
    """
    if staff.role not in (STREET_ADMIN, CITY_ADMIN):
        raise BroadcastNotAllowed()
    if scope not in (STREET, CITY):
        raise InvalidBroadcastScope.for_field("scope")
    where: sa.ColumnElement[bool] = sa.true()
    if scope == CITY:
        if staff.role != CITY_ADMIN:
            raise BroadcastNotAllowed("只有市级管理员可以发布全市通知")
    else:
        street = db.session.get(Street, street_id) if street_id else None
        if street is None or (staff.role == STREET_ADMIN and street.id != staff.street_id):
            raise StreetNotFound()
        where = Community.street_id == street.id
    ids = list(db.session.scalars(sa.select(Community.id).where(where).order_by(Community.id)))
    if not ids:
        raise StreetNotFound("该范围内没有社区")
    return ids


def may_withdraw_broadcast(staff: StaffAccount, broadcast: NoticeBroadcast) -> bool:
    """A street's notice is withdrawn by its street's admin or a city admin, the city's by a city admin."""
    if staff.role == CITY_ADMIN:
        return True
    return staff.role == STREET_ADMIN and broadcast.scope == STREET and broadcast.street_id == staff.street_id


def broadcast_streets(staff: StaffAccount) -> list[Street]:
    """The streets the staff member may publish a street's notice to: a street admin its own, a city admin
    every street; nobody else any."""
    if staff.role == STREET_ADMIN:
        return [s for s in [db.session.get(Street, staff.street_id)] if s is not None]
    if staff.role == CITY_ADMIN:
        return list(db.session.scalars(sa.select(Street).order_by(Street.name, Street.id)))
    return []


def street_name(street_id: int | None) -> str:
    street = db.session.get(Street, street_id) if street_id else None
    return street.name if street else ""


def author_of(notice: Notice) -> StaffAccount | None:
    """The staff account that published the notice (None for one without, e.g. demo data)."""
    return db.session.get(StaffAccount, notice.created_by_id) if notice.created_by_id else None


# The audience from the notice's side: pushes and the console's read statistics.


def audience_user_ids(notice: Notice) -> sa.Select:
    """The ids of the (not deleted) users the notice is for; a user with several roles may repeat."""
    return (
        sa.select(Membership.user_id)
        .join(Notice, in_audience(Membership))
        .join(User, User.id == Membership.user_id)
        .where(Notice.id == notice.id, User.deleted_at.is_(None))
    )


def audience_users(notice: Notice) -> list[User]:
    """Every user the notice is for, in one statement."""
    return list(db.session.scalars(sa.select(User).where(User.id.in_(audience_user_ids(notice)))))


def read_totals(notice: Notice) -> tuple[int, int]:
    """(users in the audience, how many of them have read the notice)."""
    audience = audience_user_ids(notice).distinct().subquery()
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(NoticeReceipt.id))
        .select_from(audience)
        .outerjoin(
            NoticeReceipt,
            sa.and_(NoticeReceipt.notice_id == notice.id, NoticeReceipt.user_id == audience.c.user_id),
        )
    ).one()
    return row[0], row[1]


def _residents(notice: Notice, user_ids) -> sa.Select:
    return sa.select(Membership.user_id, Membership.building_id, Membership.room).where(
        Membership.community_id == notice.community_id,
        Membership.role == RESIDENT,
        Membership.user_id.in_(user_ids),
    )


def reads_by_building(notice: Notice) -> list[sa.Row]:
    """Per building of the audience's residents: (building_id, name, audience, read), by building."""
    residents = _residents(notice, audience_user_ids(notice)).subquery()
    return list(
        db.session.execute(
            sa.select(
                Building.id.label("building_id"),
                Building.name,
                sa.func.count(residents.c.user_id).label("audience"),
                sa.func.count(NoticeReceipt.id).label("read"),
            )
            .join(residents, residents.c.building_id == Building.id)
            .outerjoin(
                NoticeReceipt,
                sa.and_(NoticeReceipt.notice_id == notice.id, NoticeReceipt.user_id == residents.c.user_id),
            )
            .group_by(Building.id, Building.name)
            .order_by(Building.id)
        )
    )


@dataclass(frozen=True)
class Unread:
    user_id: int
    nickname: str
    building: str | None
    room: str | None


def _unread_statement(notice: Notice, building_id: int | None) -> sa.Select:
    stmt = sa.select(User).where(User.id.in_(audience_user_ids(notice)), ~receipt_exists(notice.id, User.id))
    if building_id is not None:
        stmt = stmt.where(
            User.id.in_(
                sa.select(Membership.user_id).where(
                    Membership.community_id == notice.community_id,
                    Membership.role == RESIDENT,
                    Membership.building_id == building_id,
                )
            )
        )
    return stmt


def _with_homes(notice: Notice, users: list[User]) -> list[Unread]:
    """The users with their building and room in the notice's community (one statement, none if empty)."""
    homes = {}
    if users:
        residents = _residents(notice, [u.id for u in users]).subquery()
        homes = {
            user_id: (name, room)
            for user_id, name, room in db.session.execute(
                sa.select(residents.c.user_id, Building.name, residents.c.room).join(
                    Building, Building.id == residents.c.building_id
                )
            )
        }
    return [Unread(u.id, u.nickname, *homes.get(u.id, (None, None))) for u in users]


def unread_page(notice: Notice, building_id: int | None, page: int, per_page: int = 100) -> NumberedPage:
    """Who in the audience has not read the notice (of one building, if given), by user id: a numbered
    page of ``Unread`` with the total; three statements."""
    result = numbered_page(_unread_statement(notice, building_id), [User.id], page, per_page)
    return dataclasses.replace(result, items=_with_homes(notice, result.items))


def unread_list(notice: Notice, building_id: int | None, limit: int) -> list[Unread]:
    """The whole unread list (up to ``limit``) by building and room, those without a home last: two
    statements (the exports and the printable list)."""
    users = list(db.session.scalars(_unread_statement(notice, building_id).order_by(User.id).limit(limit)))
    return sorted(
        _with_homes(notice, users),
        key=lambda u: (u.building is None, u.building or "", u.room or "", u.user_id),
    )


# Uploaded attachments: listed with the notice, downloaded by whoever may see it.


def notice_uploads(notice: Notice) -> list[Upload]:
    """The files uploaded as the notice's attachments, in upload order."""
    return attached_uploads(NoticeUpload.notice_id, notice.id)


def load_notice_upload(notice: Notice, upload_id: int) -> Upload:
    """One of the notice's uploaded files; 404 for any other upload. The caller has loaded the notice
    for the viewer (``load_visible`` for a resident, ``load_scoped`` for staff)."""
    return load_attached_upload(NoticeUpload.notice_id, notice.id, upload_id)
