"""办事指南 operations: staff write guides of their communities; anyone searches the published ones."""

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.errors import NotFound, Unprocessable
from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, StaffAccount
from cloudplatform.identity.permissions import in_scope, require, scope_filter
from cloudplatform.pagination import decode_cursor, encode_cursor
from cloudplatform.service.bookings.models import Bookable
from cloudplatform.service.guides.models import Guide

ACTION = "guide.manage"
# What staff may set on a guide; community_id is fixed at creation.
FIELDS = {
    "category",
    "title",
    "purpose",
    "eligibility",
    "materials",
    "location",
    "hours",
    "contact_name",
    "contact_phone",
    "bookable_id",
}
SEARCHED = ("title", "purpose", "eligibility", "materials")
CURSOR_KEYS = [sa.column("title_match", sa.Integer), Guide.id]  # the search's keyset: (rank, id)


def search_text_of(guide: Guide) -> str:
    """What the search matches: title, purpose, eligibility and materials, lower-cased, one per line."""
    parts = [guide.title or "", guide.purpose or "", guide.eligibility or "", *(guide.materials or [])]
    return "\n".join(parts).lower()


def like_pattern(q: str) -> str:
    """``%q%`` for LIKE, lower-cased, escape character ``\\``: the user's ``%``, ``_``, ``\\`` are literal."""
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def create_guide(staff: StaffAccount, community_id: int, *, published: bool = True, **fields) -> Guide:
    """Write a guide for one of the staff member's communities.

    :raises NotFound: the community is not one of theirs.
    :raises Unprocessable: the linked bookable is not a service of that community.
    """
    require(staff, ACTION)
    if not in_scope(staff, community_id) or db.session.get(Community, community_id) is None:
        raise NotFound("社区不存在", code="COMMUNITY_NOT_FOUND")
    guide = Guide(community_id=community_id, published=published, materials=[])
    apply_fields(guide, fields)
    db.session.add(guide)
    db.session.flush()
    record(staff, "guide.create", target=guide, community_id=community_id, details={"title": guide.title})
    return guide


def update_guide(staff: StaffAccount, guide: Guide, **fields) -> Guide:
    """Change a guide's text, contact or linked bookable.

    :raises Unprocessable: the linked bookable is not a service of the guide's community.
    """
    check_manages(staff, guide)
    changed = sorted(name for name, value in fields.items() if getattr(guide, name) != value)
    apply_fields(guide, fields)
    db.session.flush()
    record(staff, "guide.update", target=guide, community_id=guide.community_id, details={"fields": changed})
    return guide


def publish_guide(staff: StaffAccount, guide: Guide) -> Guide:
    """Show the guide to residents again."""
    return set_published(staff, guide, True)


def unpublish_guide(staff: StaffAccount, guide: Guide) -> Guide:
    """Hide the guide from residents; staff still see and edit it."""
    return set_published(staff, guide, False)


def set_published(staff: StaffAccount, guide: Guide, published: bool) -> Guide:
    check_manages(staff, guide)
    if guide.published != published:
        guide.published = published
        db.session.flush()
        action = "guide.publish" if published else "guide.unpublish"
        record(staff, action, target=guide, community_id=guide.community_id)
    return guide


def check_manages(staff: StaffAccount, guide: Guide) -> None:
    require(staff, ACTION)
    if not in_scope(staff, guide.community_id):
        raise NotFound()


def apply_fields(guide: Guide, fields: dict) -> None:
    """Check the linked bookable, set the given fields, and keep ``search_text`` in step."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"not a guide field: {', '.join(sorted(unknown))}")
    if fields.get("bookable_id") is not None:
        check_bookable(fields["bookable_id"], guide.community_id)
    if "materials" in fields:
        fields["materials"] = [item.strip() for item in fields["materials"] if item and item.strip()]
    for name, value in fields.items():
        setattr(guide, name, value)
    if guide.search_text is None or set(fields) & set(SEARCHED):
        guide.search_text = search_text_of(guide)


def check_bookable(bookable_id: int, community_id: int) -> None:
    """A guide links only to a service of its own community."""
    owner = db.session.scalar(sa.select(Bookable.community_id).where(Bookable.id == bookable_id))
    if owner != community_id:
        message = "关联的预约事项不属于该社区"
        raise Unprocessable(
            message, code="BOOKABLE_NOT_IN_COMMUNITY", details={"fields": {"bookable_id": [message]}}
        )


def search_guides(
    q: str | None = None,
    community_id: int | None = None,
    category: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
    *,
    staff: StaffAccount | None = None,
) -> tuple[list[Guide], str | None]:
    """Guides whose title, purpose, eligibility or materials contain ``q``: title matches first, then
    the others, newest first within each; (page, next cursor).

    Without ``staff`` only published guides (the public search); with it, every guide in their scope.
    One statement on both databases: ``search_text ILIKE '%q%'`` (PostgreSQL's trigram index serves it
    from three characters on; shorter terms and SQLite scan).

    :raises Unprocessable: the cursor was not made by this search.
    """
    stmt = sa.select(Guide)
    if staff is None:
        stmt = stmt.where(Guide.published)
    else:
        stmt = stmt.where(scope_filter(staff, Guide.community_id))
    if community_id is not None:
        stmt = stmt.where(Guide.community_id == community_id)
    if category:
        stmt = stmt.where(Guide.category == category)
    q = (q or "").strip()
    rank = None  # 1 for a title match, else 0; the cursor always carries (rank, id)
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(Guide.search_text.ilike(pattern, escape="\\"))
        rank = sa.case((Guide.title.ilike(pattern, escape="\\"), 1), else_=0).label("title_match")
    if cursor:
        last_rank, last_id = decode_cursor(cursor, CURSOR_KEYS)
        if rank is None:
            stmt = stmt.where(Guide.id < last_id)
        else:
            stmt = stmt.where(sa.tuple_(rank, Guide.id) < sa.tuple_(last_rank, last_id))
    if rank is None:
        stmt = stmt.add_columns(sa.literal(0)).order_by(Guide.id.desc())
    else:
        stmt = stmt.add_columns(rank).order_by(rank.desc(), Guide.id.desc())
    rows = db.session.execute(stmt.limit(limit + 1)).all()
    guides = [guide for guide, _ in rows[:limit]]
    if len(rows) <= limit:
        return guides, None
    return guides, encode_cursor([rows[limit - 1][1], guides[-1].id])


def published_guide(guide_id: int) -> tuple[Guide, Bookable | None]:
    """A published guide and the service to book for it (None without one), in one statement.

    :raises NotFound: no such guide, or it is not published.
    """
    row = db.session.execute(
        sa.select(Guide, Bookable)
        .outerjoin(Bookable, Bookable.id == Guide.bookable_id)
        .where(Guide.id == guide_id, Guide.published)
    ).first()
    if row is None:
        raise NotFound("办事指南不存在", code="GUIDE_NOT_FOUND")
    return row[0], row[1]


def category_counts(community_id: int | None = None) -> list[tuple[str, int]]:
    """(category, number of published guides), most guides first."""
    count = sa.func.count(Guide.id)
    stmt = sa.select(Guide.category, count).where(Guide.published).group_by(Guide.category)
    if community_id is not None:
        stmt = stmt.where(Guide.community_id == community_id)
    return [tuple(row) for row in db.session.execute(stmt.order_by(count.desc(), Guide.category))]


def bookables_of(community_id: int) -> list[Bookable]:
    """The services of a community a guide may link to, by name."""
    return list(
        db.session.scalars(
            sa.select(Bookable)
            .where(Bookable.community_id == community_id)
            .order_by(Bookable.name, Bookable.id)
        )
    )


def categories_in_scope(staff: StaffAccount) -> list[str]:
    """The categories used by guides the staff member manages, for the console's filter."""
    return list(
        db.session.scalars(
            sa.select(Guide.category)
            .where(scope_filter(staff, Guide.community_id))
            .distinct()
            .order_by(Guide.category)
        )
    )
