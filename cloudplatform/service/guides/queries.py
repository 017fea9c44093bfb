"""Reads of 办事指南: the public search, one published guide, categories, the console's list and pickers."""

import functools

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import (
    CONSOLE_PAGE_SIZE,
    NumberedPage,
    decode_cursor,
    encode_cursor,
    like_pattern,
    numbered_page,
)
from cloudplatform.service.bookings.models import Bookable
from cloudplatform.service.guides.errors import GuideNotFound
from cloudplatform.service.guides.models import Guide, GuideUpload
from cloudplatform.service.uploads.models import Upload
from cloudplatform.service.uploads.queries import attached_uploads, load_attached_upload

CURSOR_KEYS = [sa.column("title_match", sa.Integer), Guide.id]  # the search's keyset: (rank, id)
CATEGORY_CURSOR_KEYS = [sa.column("count", sa.Integer), Guide.category]


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

    Without ``staff`` only published guides (the public search: a statement built once per shape, run
    with bound values); with it, every guide in their scope. One statement on both databases:
    ``search_text ILIKE '%q%'`` (PostgreSQL's trigram index serves it from three characters on; shorter
    terms and SQLite scan).

    :raises Unprocessable: the cursor was not made by this search.
    """
    q = (q or "").strip()
    after = decode_cursor(cursor, CURSOR_KEYS) if cursor else None
    values = {
        "pattern": like_pattern(q.lower()) if q else None,
        "community_id": community_id,
        "category": category or None,
        "limit": limit + 1,
    }
    if staff is None:
        stmt = public_search(*(values[name] is not None for name in SHAPE), after is not None)
        params = {**values, **dict(zip(("last_rank", "last_id"), after or (), strict=False))}
        rows = db.session.execute(stmt, params).all()
    else:
        scope = scope_filter(staff, Guide.community_id)
        rows = db.session.execute(search_statement(scope, after=after, **values)).all()
    guides = [guide for guide, _ in rows[:limit]]
    if len(rows) <= limit:
        return guides, None
    return guides, encode_cursor([rows[limit - 1][1], guides[-1].id])


def search_statement(scope, *, pattern, community_id, category, after, limit) -> sa.Select:
    """The search within ``scope``, each argument a value, a bound parameter or None (no such filter);
    ``after`` is the cursor's (rank, id). Rows of (guide, rank): 1 for a title match, else 0."""
    stmt = sa.select(Guide).where(scope)
    if community_id is not None:
        stmt = stmt.where(Guide.community_id == community_id)
    if category is not None:
        stmt = stmt.where(Guide.category == category)
    rank = None  # the cursor always carries (rank, id)
    if pattern is not None:
        stmt = stmt.where(Guide.search_text.ilike(pattern, escape="\\"))
        rank = sa.case((Guide.title.ilike(pattern, escape="\\"), 1), else_=0).label("title_match")
    if after is not None:
        last_rank, last_id = after
        if rank is None:
            stmt = stmt.where(Guide.id < last_id)
        else:
            stmt = stmt.where(sa.tuple_(rank, Guide.id) < sa.tuple_(last_rank, last_id))
    if rank is None:
        stmt = stmt.add_columns(sa.literal(0)).order_by(Guide.id.desc())
    else:
        stmt = stmt.add_columns(rank).order_by(rank.desc(), Guide.id.desc())
    return stmt.limit(limit)


SHAPE = ("pattern", "community_id", "category")  # with the cursor: which filters a public search has


@functools.cache
def public_search(pattern: bool, community_id: bool, category: bool, after: bool) -> sa.Select:
    """The public search of one shape (16 in all), built once with bound parameters."""
    return search_statement(
        Guide.published,
        pattern=sa.bindparam("pattern", type_=Guide.search_text.type) if pattern else None,
        community_id=sa.bindparam("community_id", type_=Guide.community_id.type) if community_id else None,
        category=sa.bindparam("category", type_=Guide.category.type) if category else None,
        after=(sa.bindparam("last_rank", type_=sa.Integer), sa.bindparam("last_id", type_=Guide.id.type))
        if after
        else None,
        limit=sa.bindparam("limit", type_=sa.Integer),
    )


GUIDE_SORTS = (
    "-updated",
    "updated",
    "title",
    "-title",
)  # the console list's orders; the first is the default


def guides_list(
    staff: StaffAccount,
    *,
    q: str = "",
    category: str | None = None,
    published: bool | None = None,
    community_id: int | None = None,
    sort: str = GUIDE_SORTS[0],
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 办事指南: every guide in the staff member's scope (published or not) whose title,
    purpose, eligibility or materials contain ``q``, filtered, in ``GUIDE_SORTS`` order (by update time
    or title, ``-`` descending); two statements (the total and the page)."""
    stmt = sa.select(Guide).where(scope_filter(staff, Guide.community_id))
    if q:
        stmt = stmt.where(Guide.search_text.ilike(like_pattern(q.lower()), escape="\\"))
    if category:
        stmt = stmt.where(Guide.category == category)
    if published is not None:
        stmt = stmt.where(Guide.published == published)
    if community_id is not None:
        stmt = stmt.where(Guide.community_id == community_id)
    columns = [Guide.title if sort.lstrip("-") == "title" else Guide.updated_at, Guide.id]
    order_by = [c.desc() if sort.startswith("-") else c.asc() for c in columns]
    return numbered_page(stmt, order_by, page, per_page)


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
        raise GuideNotFound()
    return row[0], row[1]


def category_counts_page(community_id: int | None, cursor: str | None, limit: int):
    """The categories of published guides with their counts, most guides first, then by name:
    ([{category, count}], next cursor). A count that changes between pages may move a category.

    :raises InvalidCursor: the cursor was not made by this list.
    """
    count = sa.func.count(Guide.id)
    stmt = sa.select(Guide.category, count).where(Guide.published).group_by(Guide.category)
    if community_id is not None:
        stmt = stmt.where(Guide.community_id == community_id)
    if cursor:
        last_count, last_category = decode_cursor(cursor, CATEGORY_CURSOR_KEYS)
        stmt = stmt.having(
            sa.or_(count < last_count, sa.and_(count == last_count, Guide.category > last_category))
        )
    rows = db.session.execute(stmt.order_by(count.desc(), Guide.category).limit(limit + 1)).all()
    items = [{"category": category, "count": n} for category, n in rows[:limit]]
    if len(rows) <= limit:
        return items, None
    return items, encode_cursor([items[-1]["count"], items[-1]["category"]])


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


def guide_uploads(guide: Guide) -> list[Upload]:
    """The files attached to the guide, in upload order."""
    return attached_uploads(GuideUpload.guide_id, guide.id)


def load_guide_upload(guide: Guide, upload_id: int) -> Upload:
    """One of the guide's files; 404 for any other upload. The caller has loaded the guide for the viewer
    (``published_guide`` for the public, ``load_scoped`` for staff)."""
    return load_attached_upload(GuideUpload.guide_id, guide.id, upload_id)
