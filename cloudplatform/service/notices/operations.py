"""通知公告: publish to an audience, withdraw, record a reader's receipt. Flush, never commit."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import now
from cloudplatform.errors import NotFound
from cloudplatform.extensions import db
from cloudplatform.identity.errors import BuildingNotFound, CommunityNotFound, GridNotFound
from cloudplatform.identity.models import (
    CITY_ADMIN,
    STREET_ADMIN,
    Building,
    Community,
    Grid,
    StaffAccount,
    User,
)
from cloudplatform.identity.permissions import in_scope, requires
from cloudplatform.notify.models import PENDING, Notification
from cloudplatform.notify.operations import notify
from cloudplatform.orm import insert_for
from cloudplatform.service.notices.errors import (
    AlreadyWithdrawn,
    BroadcastCopy,
    BroadcastNotAllowed,
    ExpiryBeforePublish,
    ExpiryPassed,
    InvalidAttachments,
    InvalidAudience,
    TargetsNotAllowed,
    TargetsRequired,
)
from cloudplatform.service.notices.models import (
    AUDIENCES,
    BROADCAST_AUDIENCES,
    BUILDINGS,
    CITY,
    GRIDS,
    STREET,
    Notice,
    NoticeBroadcast,
    NoticeReceipt,
    NoticeTarget,
    NoticeUpload,
)
from cloudplatform.service.notices.queries import (
    Unread,
    audience_pairs,
    broadcast_communities,
    is_published,
    unread_list,
)
from cloudplatform.service.uploads.operations import store_uploads

ACTION = "notice.manage"
TEMPLATE = "notice_published"
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_NAME, MAX_ATTACHMENT_URL = 100, 500
EXPORT_LIMIT = 20_000  # rows in one export


def notice_page(notice: Notice) -> str:
    """The mini-program page that shows the notice (where a pushed message leads)."""
    return f"pages/notices/detail?id={notice.id}"


@requires(ACTION)
def publish_notice(
    staff: StaffAccount | None,
    community_id: int,
    title: str,
    body: str,
    audience: str,
    *,
    grid_ids: Iterable[int] = (),
    building_ids: Iterable[int] = (),
    pinned: bool = False,
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
    attachments: Iterable[Mapping] = (),
    files: Iterable[tuple[str, bytes]] = (),
    push: bool = False,
) -> Notice:
    """Publish a notice to an audience of one community, now or at ``publish_at``.

    With ``push``, a notice that is out at once queues a subscribe message to each user of its audience
    (their consents decide delivery); a scheduled one is left for a job to push when its time comes.
    ``attachments`` are https links; ``files`` (name, bytes) are uploaded and kept in the storage.
    :raises NotFound: the community, or one of its grids or buildings, is not there or not in scope.
    :raises Unprocessable: audience, targets, times or attachments do not fit together.
    """
    community = db.session.get(Community, community_id)
    if community is None or not in_scope(staff, community_id):
        raise CommunityNotFound()
    if audience not in AUDIENCES:
        raise InvalidAudience.for_field("audience")
    grid_ids, building_ids = sorted(set(grid_ids)), sorted(set(building_ids))
    check_targets(community_id, audience, grid_ids, building_ids)
    at = now()
    publish_at = publish_at or at
    check_period(publish_at, expires_at, at)
    files = list(files)
    attachments = clean_attachments(attachments, len(files))

    fields = new_notice_fields(
        staff.id, title, body, audience, pinned, publish_at, expires_at, attachments, push
    )
    notice = Notice(community_id=community_id, **fields)
    db.session.add(notice)
    db.session.flush()
    db.session.add_all([NoticeTarget(notice_id=notice.id, grid_id=i) for i in grid_ids])
    db.session.add_all([NoticeTarget(notice_id=notice.id, building_id=i) for i in building_ids])
    for upload in store_uploads(staff, community_id, files):
        db.session.add(NoticeUpload(notice_id=notice.id, upload_id=upload.id))
    db.session.flush()
    record(
        staff,
        "notice.publish",
        target=notice,
        community_id=community_id,
        details={"title": title, "audience": audience, "push": push, "files": len(files)},
    )
    if push and publish_at <= at:
        push_notices([notice])
    return notice


def new_notice_fields(
    author_id: int,
    title: str,
    body: str,
    audience: str,
    pinned: bool,
    publish_at: datetime,
    expires_at: datetime | None,
    attachments: list[dict[str, str]],
    push: bool,
) -> dict:
    """A new notice's columns but its community (a community's notice and a broadcast's copies alike)."""
    return {
        "title": title,
        "body": body,
        "audience": audience,
        "pinned": pinned,
        "publish_at": publish_at,
        "expires_at": expires_at,
        "attachments": attachments,
        "push": push,
        "created_by_id": author_id,
        "read_count": 0,
    }


@requires(ACTION)
def publish_broadcast(
    staff: StaffAccount | None,
    scope: str,
    street_id: int | None,
    title: str,
    body: str,
    audience: str,
    *,
    pinned: bool = False,
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
    attachments: Iterable[Mapping] = (),
    push: bool = False,
) -> NoticeBroadcast:
    """Publish one notice to every community of a street (``scope`` "street", a street admin its own, a
    city admin any) or of the city ("city", city admins): a Notice per community, checked and pushed as
    ``publish_notice`` does one, in the caller's transaction. Only everyone, party members or volunteers:
    grids and buildings are one community's. Attachments are links (an uploaded file belongs to one
    community). Statements do not grow with the number of communities or residents: the copies are one
    batched INSERT, their pushes one SELECT and batched INSERTs.

    :raises Forbidden: a community's staff, or a street admin naming the city.
    :raises NotFound: the street is not there or not the street admin's.
    :raises Unprocessable: scope, audience, times or attachments do not fit together.
    """
    community_ids = broadcast_communities(staff, scope, street_id)
    if audience not in BROADCAST_AUDIENCES:
        raise InvalidAudience.for_field("audience", "街道或全市通知只能发给全体居民、在职党员或志愿者")
    at = now()
    publish_at = publish_at or at
    check_period(publish_at, expires_at, at)
    attachments = clean_attachments(attachments)

    broadcast = NoticeBroadcast(
        scope=scope, street_id=street_id if scope == STREET else None, title=title, created_by_id=staff.id
    )
    db.session.add(broadcast)
    db.session.flush()
    fields = new_notice_fields(
        staff.id, title, body, audience, pinned, publish_at, expires_at, attachments, push
    )
    notices = [Notice(community_id=i, broadcast_id=broadcast.id, **fields) for i in community_ids]
    db.session.add_all(notices)
    db.session.flush()
    record(
        staff,
        "notice.broadcast",
        target=broadcast,
        details={
            "title": title,
            "scope": scope,
            "street_id": broadcast.street_id,
            "communities": len(notices),
            "audience": audience,
            "push": push,
        },
    )
    if push and publish_at <= at:
        push_notices(notices)
    return broadcast


def check_targets(community_id: int, audience: str, grid_ids: list[int], building_ids: list[int]) -> None:
    """Grids / buildings audiences name at least one target of their community; the others name none."""
    for kind, field, ids, noun in (
        (GRIDS, "grid_ids", grid_ids, "网格"),
        (BUILDINGS, "building_ids", building_ids, "楼栋"),
    ):
        if audience == kind and not ids:
            raise TargetsRequired.for_field(field, f"请至少选择一个{noun}")
        if audience != kind and ids:
            raise TargetsNotAllowed.for_field(field, f"只有按{noun}发布时才能选择{noun}")
    for model, field, ids, noun, error in (
        (Grid, "grid_ids", grid_ids, "网格", GridNotFound),
        (Building, "building_ids", building_ids, "楼栋", BuildingNotFound),
    ):
        if not ids:
            continue
        found = set(
            db.session.scalars(
                sa.select(model.id).where(model.id.in_(ids), model.community_id == community_id)
            )
        )
        missing = [i for i in ids if i not in found]
        if missing:
            raise error(f"该社区没有所选{noun}", details={"fields": {field: missing}})


def check_period(publish_at: datetime, expires_at: datetime | None, at: datetime) -> None:
    if expires_at is None:
        return
    if expires_at <= publish_at:
        raise ExpiryBeforePublish.for_field("expires_at")
    if expires_at <= at:
        raise ExpiryPassed.for_field("expires_at")


def clean_attachments(attachments: Iterable[Mapping], files: int = 0) -> list[dict[str, str]]:
    """[{name, url}] with a name and an https address (the mini-program opens nothing else); with the
    ``files`` uploaded beside them, at most ``MAX_ATTACHMENTS``."""
    items = list(attachments)
    if len(items) + files > MAX_ATTACHMENTS:
        raise InvalidAttachments.for_field("attachments", f"附件最多 {MAX_ATTACHMENTS} 个")
    cleaned = []
    for number, item in enumerate(items, 1):
        name, url = str(item.get("name") or "").strip(), str(item.get("url") or "").strip()
        parts = urlsplit(url)
        if not name or len(name) > MAX_ATTACHMENT_NAME:
            raise InvalidAttachments.for_field("attachments", f"第 {number} 个附件的名称应为 1 至 100 个字")
        if parts.scheme != "https" or not parts.netloc or len(url) > MAX_ATTACHMENT_URL:
            raise InvalidAttachments.for_field("attachments", f"第 {number} 个附件的网址应以 https:// 开头")
        cleaned.append({"name": name, "url": url})
    return cleaned


def push_notice(notice: Notice, community: Community | None = None) -> int:
    """Queue the "notice_published" message to every user of the audience; returns how many."""
    return push_notices([notice])


def push_notices(notices: list[Notice]) -> int:
    """Queue the "notice_published" message to every user of each notice's audience; returns how many.

    Two SELECTs however many notices (a street's or the city's copies) and users; the messages are
    added to the session, which inserts them in batches.
    """
    if not notices:
        return 0
    by_id = {n.id: n for n in notices}
    community_ids = {n.community_id for n in notices}
    names = {
        community_id: name
        for community_id, name in db.session.execute(
            sa.select(Community.id, Community.name).where(Community.id.in_(community_ids))
        )
    }
    at = now()
    for notice in notices:
        notice.pushed_at = at
    pairs = audience_pairs(Notice.id.in_(list(by_id))).subquery()
    rows = db.session.execute(
        sa.select(pairs.c.notice_id, User)
        .join(User, User.id == pairs.c.user_id)
        .order_by(pairs.c.notice_id, User.id)
    ).tuples()
    count = 0
    for notice_id, user in rows:
        notice = by_id[notice_id]
        data = {"thing1": notice.title, "thing2": names[notice.community_id], "time3": notice.publish_at}
        notify(user, TEMPLATE, data, page=notice_page(notice))
        count += 1
    return count


def push_due_notices(limit: int = 100) -> int:
    """The job: push scheduled notices whose time has come (not withdrawn or expired by then), once."""
    due = db.session.scalars(
        sa.select(Notice)
        .where(Notice.push.is_(True), Notice.pushed_at.is_(None), is_published(now()))
        .order_by(Notice.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    push_notices(list(due))
    return len(due)


@requires(ACTION)
def withdraw_notice(staff: StaffAccount | None, notice: Notice) -> Notice:
    """Take the notice down for everyone; its pushes still waiting in the outbox are cancelled.

    :raises Conflict: it was withdrawn already.
    """
    if not in_scope(staff, notice.community_id):
        raise NotFound()
    if notice.broadcast_id is not None:
        raise BroadcastCopy()
    withdrawn = db.session.execute(
        sa.update(Notice)
        .where(Notice.id == notice.id, Notice.withdrawn_at.is_(None))
        .values(withdrawn_at=now())
    )
    if withdrawn.rowcount != 1:
        raise AlreadyWithdrawn()
    cancelled = db.session.execute(
        sa.delete(Notification).where(
            Notification.status == PENDING,
            Notification.template_key == TEMPLATE,
            Notification.page == notice_page(notice),
        )
    ).rowcount
    record(
        staff,
        "notice.withdraw",
        target=notice,
        community_id=notice.community_id,
        details={"cancelled_pushes": cancelled} if cancelled else None,
    )
    return notice


@requires(ACTION)
def withdraw_broadcast(staff: StaffAccount | None, broadcast: NoticeBroadcast) -> NoticeBroadcast:
    """Take a street's or the city's notice down in every community; pushes still waiting are cancelled.
    Only staff whose scope covers it (its street's admin, a city admin) may.

    :raises Forbidden: a community's staff, or a street admin and the city's notice.
    :raises NotFound: another street's notice.
    :raises Conflict: it was withdrawn already.
    """
    if staff.role not in (STREET_ADMIN, CITY_ADMIN) or (broadcast.scope == CITY and staff.role != CITY_ADMIN):
        raise BroadcastNotAllowed()
    if staff.role == STREET_ADMIN and broadcast.street_id != staff.street_id:
        raise NotFound()
    withdrawn = db.session.execute(
        sa.update(Notice)
        .where(Notice.broadcast_id == broadcast.id, Notice.withdrawn_at.is_(None))
        .values(withdrawn_at=now())
    )
    if withdrawn.rowcount == 0:
        raise AlreadyWithdrawn()
    copies = db.session.scalars(sa.select(Notice).where(Notice.broadcast_id == broadcast.id))
    pages = [notice_page(n) for n in copies]
    cancelled = db.session.execute(
        sa.delete(Notification).where(
            Notification.status == PENDING,
            Notification.template_key == TEMPLATE,
            Notification.page.in_(pages),
        )
    ).rowcount
    record(
        staff,
        "notice.broadcast_withdraw",
        target=broadcast,
        details={"notices": withdrawn.rowcount, "cancelled_pushes": cancelled},
    )
    return broadcast


def read_notice(user: User, notice: Notice) -> bool:
    """Record that the user read the notice; only the first read counts. Returns whether it was the first.

    The caller has checked that the notice is visible to the user (``queries.load_visible``). One
    INSERT ... ON CONFLICT DO NOTHING decides which read is first, so concurrent reads count once.
    """
    receipt_id = db.session.scalar(  # no row back: the receipt was there (rowcount is not portable here)
        insert_for(db.session, NoticeReceipt)
        .values(notice_id=notice.id, user_id=user.id, read_at=now())
        .on_conflict_do_nothing(index_elements=["notice_id", "user_id"])
        .returning(NoticeReceipt.id)
    )
    if receipt_id is None:
        return False
    db.session.execute(
        sa.update(Notice).where(Notice.id == notice.id).values(read_count=Notice.read_count + 1)
    )
    return True


@requires(ACTION)
def export_unread(staff: StaffAccount, notice: Notice, building_id: int | None, fmt: str) -> list[Unread]:
    """The notice's unread list (of one building, if given) to take away; recorded in the audit log."""
    if not in_scope(staff, notice.community_id):
        raise NotFound()
    unread = unread_list(notice, building_id, EXPORT_LIMIT)
    details = {"format": fmt, "rows": len(unread), "building_id": building_id}
    record(staff, "export.notice_unread", target=notice, community_id=notice.community_id, details=details)
    return unread
