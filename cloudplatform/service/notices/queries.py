"""Who sees which notice (the one visibility rule), and the reads behind the feed and the statistics."""

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    PARTY_MEMBER,
    RESIDENT,
    VOLUNTEER,
    Building,
    Grid,
    Membership,
    StaffAccount,
    User,
)
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import keyset_page
from cloudplatform.service.notices.errors import NoticeNotFound
from cloudplatform.service.notices.models import (
    ALL,
    BUILDINGS,
    GRIDS,
    PARTY_MEMBERS,
    VOLUNTEERS,
    Notice,
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
# The feed's order, newest first with pinned notices on top: ix_notice_feed after its community_id.
FEED_ORDER = [Notice.pinned, Notice.publish_at, Notice.id]
SUMMARY_LENGTH = 60


def is_published(at: datetime) -> sa.ColumnElement[bool]:
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
    membership = sa.select(Membership.id).where(Membership.user_id == user.id, in_audience(Membership))
    return sa.and_(is_published(at or now()), membership.exists())


def load_visible(user: User, notice_id: int) -> Notice:
    """The notice if the user may read it; 404 otherwise (another community, audience or not out)."""
    notice = db.session.scalar(sa.select(Notice).where(Notice.id == notice_id, visible_to(user)))
    if notice is None:
        raise NoticeNotFound()
    return notice


@dataclass(frozen=True)
class FeedItem:
    """A notice as one user sees it: with whether they have read it."""

    notice: Notice
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


def _feed_where(user: User, community_id: int | None) -> list[sa.ColumnElement[bool]]:
    """Visible notices of one community, or of all the user's communities (an index-friendly IN)."""
    if community_id is not None:
        community = Notice.community_id == community_id
    else:
        community = Notice.community_id.in_(
            sa.select(Membership.community_id).where(Membership.user_id == user.id)
        )
    return [community, visible_to(user)]


def notice_feed(
    user: User, community_id: int | None, cursor: str | None, limit: int
) -> tuple[list[FeedItem], str | None, int]:
    """(a page of visible notices, pinned first then newest; the next cursor; how many are unread).

    Three statements whatever the page size: the page, the receipts among it, the unread count.
    """
    where = _feed_where(user, community_id)
    notices, next_cursor = keyset_page(sa.select(Notice).where(*where), FEED_ORDER, cursor, limit)
    read_ids = set()
    if notices:
        read_ids = set(
            db.session.scalars(
                sa.select(NoticeReceipt.notice_id).where(
                    NoticeReceipt.user_id == user.id, NoticeReceipt.notice_id.in_([n.id for n in notices])
                )
            )
        )
    unread = db.session.scalar(
        sa.select(sa.func.count()).select_from(Notice).where(*where, ~receipt_exists(Notice.id, user.id))
    )
    return [FeedItem(n, n.id in read_ids) for n in notices], next_cursor, unread


def receipt_exists(notice_id, user_id) -> sa.Exists:
    return sa.exists().where(NoticeReceipt.notice_id == notice_id, NoticeReceipt.user_id == user_id)


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


def notices_page(staff: StaffAccount, cursor: str | None, limit: int) -> tuple[list[Notice], str | None]:
    """Notices of the staff member's communities, latest publish time first (any status)."""
    stmt = sa.select(Notice).where(scope_filter(staff, Notice.community_id))
    return keyset_page(stmt, [Notice.publish_at, Notice.id], cursor, limit)


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


def unread_page(
    notice: Notice, building_id: int | None, cursor: str | None, limit: int
) -> tuple[list[Unread], str | None]:
    """Who in the audience has not read the notice (of one building, if given), by user id."""
    users, next_cursor = keyset_page(
        _unread_statement(notice, building_id), [User.id], cursor, limit, descending=False
    )
    return _with_homes(notice, users), next_cursor


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
