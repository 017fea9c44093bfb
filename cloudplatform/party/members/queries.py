"""Reads of 党员报到 and 岗位 both front ends share: units open to a community, reports, posts and claims,
and the scoped loaders (a record outside the caller's reach answers 404)."""

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import (
    CONSOLE_PAGE_SIZE,
    NumberedPage,
    contains,
    keyset_page,
    numbered_page,
    sort_order,
)
from cloudplatform.party.errors import ClaimNotFound, PostNotFound, ReportNotFound, UnitNotFound
from cloudplatform.party.models import (
    APPROVED,
    CLAIM_ACTIVE,
    CLAIMED,
    PENDING,
    PartyReport,
    PartyUnit,
    PartyUnitCommunity,
    PostClaim,
    ServiceHours,
    ServicePost,
)

MANAGE = "party.manage"


# -- units --------------------------------------------------------------------------------------------


def units_open_to(community_id: int, cursor: str | None, limit: int):
    """The active units members of the community may report as, by name order of id: (page, cursor)."""
    stmt = sa.select(PartyUnit).where(
        PartyUnit.active.is_(True),
        PartyUnit.id.in_(
            sa.select(PartyUnitCommunity.unit_id).where(PartyUnitCommunity.community_id == community_id)
        ),
    )
    return keyset_page(stmt, [PartyUnit.id], cursor, limit, descending=False)


def open_unit(community_id: int, unit_id: int) -> PartyUnit | None:
    """The unit, if it is active and open to the community."""
    return db.session.scalar(
        sa.select(PartyUnit).where(
            PartyUnit.id == unit_id,
            PartyUnit.active.is_(True),
            sa.exists().where(
                PartyUnitCommunity.unit_id == unit_id, PartyUnitCommunity.community_id == community_id
            ),
        )
    )


def load_staff_unit(staff: StaffAccount | None, unit_id: int) -> PartyUnit:
    """A unit kept by one of the staff member's communities (403 without the right, 404 outside)."""
    return permissions.load_scoped(PartyUnit, unit_id, staff, MANAGE, UnitNotFound)


def unit_community_ids(unit: PartyUnit) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(PartyUnitCommunity.community_id)
            .where(PartyUnitCommunity.unit_id == unit.id)
            .order_by(PartyUnitCommunity.community_id)
        )
    )


# -- reports ------------------------------------------------------------------------------------------


def my_reports_page(user: User, cursor: str | None, limit: int):
    """The user's reports with their community and unit, newest first: (page, cursor)."""
    stmt = (
        sa.select(PartyReport)
        .where(PartyReport.user_id == user.id)
        .options(sa.orm.joinedload(PartyReport.community), sa.orm.joinedload(PartyReport.unit))
    )
    return keyset_page(stmt, [PartyReport.id], cursor, limit)


def staff_reports_page(
    staff: StaffAccount, status: str, community_id: int | None, cursor: str | None, limit: int
):
    """Reports of one status in the staff member's communities (or one of them), newest first."""
    stmt = (
        sa.select(PartyReport)
        .where(PartyReport.status == status, scope_filter(staff, PartyReport.community_id))
        .options(sa.orm.joinedload(PartyReport.community), sa.orm.joinedload(PartyReport.unit))
    )
    if community_id:
        stmt = stmt.where(PartyReport.community_id == community_id)
    return keyset_page(stmt, [PartyReport.id], cursor, limit)


def load_staff_report(staff: StaffAccount | None, report_id: int) -> PartyReport:
    """A report to one of the staff member's communities (403 without the right, 404 outside)."""
    return permissions.load_scoped(PartyReport, report_id, staff, MANAGE, ReportNotFound)


# -- posts and claims ---------------------------------------------------------------------------------


def community_posts_page(user: User, community_id: int, cursor: str | None, limit: int):
    """The community's open posts by id, each with the caller's active claim
    (``my_claim``, or None): (page, cursor)."""
    stmt = sa.select(ServicePost).where(
        ServicePost.community_id == community_id, ServicePost.active.is_(True)
    )
    posts, next_cursor = keyset_page(stmt, [ServicePost.id], cursor, limit, descending=False)
    mine = {
        claim.post_id: claim
        for claim in db.session.scalars(
            sa.select(PostClaim).where(
                PostClaim.user_id == user.id,
                PostClaim.status.in_(CLAIM_ACTIVE),
                PostClaim.post_id.in_([p.id for p in posts]),
            )
        )
    }
    for post in posts:
        post.my_claim = mine.get(post.id)
    return posts, next_cursor


def my_claims_page(user: User, cursor: str | None, limit: int):
    """The user's claims with their posts, newest first: (page, cursor)."""
    stmt = sa.select(PostClaim).where(PostClaim.user_id == user.id).options(sa.orm.joinedload(PostClaim.post))
    return keyset_page(stmt, [PostClaim.id], cursor, limit)


def load_own_claim(user: User, claim_id: int) -> PostClaim:
    claim = db.session.get(PostClaim, claim_id)
    if claim is None or claim.user_id != user.id:
        raise ClaimNotFound()
    return claim


def load_staff_claim(staff: StaffAccount | None, claim_id: int) -> PostClaim:
    return permissions.load_scoped(PostClaim, claim_id, staff, MANAGE, ClaimNotFound)


def load_staff_post(staff: StaffAccount | None, post_id: int) -> ServicePost:
    return permissions.load_scoped(ServicePost, post_id, staff, MANAGE, PostNotFound)


def post_claims(post: ServicePost) -> list[PostClaim]:
    """A post's claims, active first, with their members."""
    return list(
        db.session.scalars(
            sa.select(PostClaim)
            .where(PostClaim.post_id == post.id)
            .options(sa.orm.joinedload(PostClaim.user))
            .order_by(PostClaim.status.in_(CLAIM_ACTIVE).desc(), PostClaim.id)
        )
    )


# -- the console's numbered lists ---------------------------------------------------------------------

UNIT_SORTS: dict[str, list] = {
    "name": [PartyUnit.name, PartyUnit.id],
    "created": [PartyUnit.created_at, PartyUnit.id],
}
REPORT_SORTS: dict[str, list] = {
    "created": [PartyReport.created_at, PartyReport.id],
    "name": [PartyReport.real_name, PartyReport.id],
    "unit": [PartyUnit.name, PartyReport.id],
}
POST_SORTS: dict[str, list] = {
    "starts": [ServicePost.starts_on, ServicePost.id],
    "title": [ServicePost.title, ServicePost.id],
    "ends": [ServicePost.ends_on, ServicePost.id],
}


def units_list(
    staff: StaffAccount,
    *,
    q: str = "",
    community_id: int | None = None,
    active: bool | None = None,
    sort: str = "name",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 单位党组织: units kept by the staff member's communities (403 without the right), of
    one of them, active or withdrawn, whose name, branch or contact contains ``q``; by name or creation,
    with their home community. Two statements."""
    staff = permissions.require(staff, MANAGE)
    stmt = (
        sa.select(PartyUnit)
        .where(scope_filter(staff, PartyUnit.community_id))
        .options(sa.orm.joinedload(PartyUnit.community))
    )
    if q:
        stmt = stmt.where(
            sa.or_(
                contains(PartyUnit.name, q),
                contains(PartyUnit.branch, q),
                contains(PartyUnit.contact_name, q),
            )
        )
    if community_id is not None:
        stmt = stmt.where(PartyUnit.community_id == community_id)
    if active is not None:
        stmt = stmt.where(PartyUnit.active.is_(active))
    return numbered_page(stmt, sort_order(sort, UNIT_SORTS), page, per_page)


def unit_member_counts(unit_ids: list[int]) -> dict[int, int]:
    """Approved members of each unit, in one statement (none for no ids)."""
    if not unit_ids:
        return {}
    rows = db.session.execute(
        sa.select(PartyReport.unit_id, sa.func.count())
        .where(PartyReport.unit_id.in_(unit_ids), PartyReport.status == APPROVED)
        .group_by(PartyReport.unit_id)
    ).tuples()
    return {unit_id: n for unit_id, n in rows}


def units_of_community(staff: StaffAccount, community_id: int) -> list[PartyUnit]:
    """The active units open to a community in the staff member's scope, by name (a select's options)."""
    if not permissions.in_scope(staff, community_id):
        return []
    return list(
        db.session.scalars(
            sa.select(PartyUnit)
            .where(
                PartyUnit.active.is_(True),
                PartyUnit.id.in_(
                    sa.select(PartyUnitCommunity.unit_id).where(
                        PartyUnitCommunity.community_id == community_id
                    )
                ),
            )
            .order_by(PartyUnit.name, PartyUnit.id)
        )
    )


def _reports_matching(staff: StaffAccount, q: str, community_id: int | None) -> sa.Select:
    stmt = (
        sa.select(PartyReport)
        .join(PartyUnit, PartyUnit.id == PartyReport.unit_id)
        .where(scope_filter(staff, PartyReport.community_id))
    )
    if q:
        stmt = stmt.where(sa.or_(contains(PartyReport.real_name, q), contains(PartyUnit.name, q)))
    if community_id is not None:
        stmt = stmt.where(PartyReport.community_id == community_id)
    return stmt


def reports_list(
    staff: StaffAccount,
    status: str,
    *,
    q: str = "",
    community_id: int | None = None,
    sort: str = "created",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 报到审核: reports of one status in the staff member's communities (or one of them)
    whose member's name or unit contains ``q``; by time of report, name or unit, with their community and
    unit. Two statements (403 without the right)."""
    staff = permissions.require(staff, MANAGE)
    stmt = (
        _reports_matching(staff, q, community_id)
        .where(PartyReport.status == status)
        .options(sa.orm.contains_eager(PartyReport.unit), sa.orm.joinedload(PartyReport.community))
    )
    return numbered_page(stmt, sort_order(sort, REPORT_SORTS), page, per_page)


def report_status_counts(
    staff: StaffAccount, *, q: str = "", community_id: int | None = None
) -> dict[str, int]:
    """How many reports of each status the list's search and community match: one statement."""
    stmt = _reports_matching(staff, q, community_id).with_only_columns(PartyReport.status, sa.func.count())
    rows = db.session.execute(stmt.group_by(PartyReport.status)).tuples()
    return {status: n for status, n in rows}


def posts_list(
    staff: StaffAccount,
    *,
    q: str = "",
    community_id: int | None = None,
    open_: bool | None = None,
    sort: str = "starts",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 服务岗位: posts of the staff member's communities (or one of them) whose title or
    duties contain ``q``, open for claims (active, not over) or closed; by start, title or end. Two
    statements (403 without the right)."""
    staff = permissions.require(staff, MANAGE)
    stmt = sa.select(ServicePost).where(scope_filter(staff, ServicePost.community_id))
    if q:
        stmt = stmt.where(sa.or_(contains(ServicePost.title, q), contains(ServicePost.duties, q)))
    if community_id is not None:
        stmt = stmt.where(ServicePost.community_id == community_id)
    if open_ is not None:
        is_open = sa.and_(ServicePost.active.is_(True), ServicePost.ends_on >= local(now()).date())
        stmt = stmt.where(is_open if open_ else sa.not_(is_open))
    return numbered_page(stmt, sort_order(sort, POST_SORTS), page, per_page)


def waiting_claim_counts(post_ids: list[int]) -> dict[int, int]:
    """Claims waiting for confirmation of each post, in one statement (none for no ids)."""
    if not post_ids:
        return {}
    rows = db.session.execute(
        sa.select(PostClaim.post_id, sa.func.count())
        .where(PostClaim.post_id.in_(post_ids), PostClaim.status == CLAIMED)
        .group_by(PostClaim.post_id)
    ).tuples()
    return {post_id: n for post_id, n in rows}


def post_credits(post: ServicePost) -> dict[int, list[ServiceHours]]:
    """The months credited to each claim of a post, by claim id, oldest month first: one statement."""
    credits: dict[int, list[ServiceHours]] = {}
    for hours in db.session.scalars(
        sa.select(ServiceHours)
        .join(PostClaim, PostClaim.id == ServiceHours.claim_id)
        .where(PostClaim.post_id == post.id)
        .order_by(ServiceHours.served_on, ServiceHours.id)
    ):
        credits.setdefault(hours.claim_id or 0, []).append(hours)
    return credits


def pending_report_count(staff: StaffAccount) -> int:
    """Reports waiting for a decision in the staff member's communities (the dashboard's card)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                PartyReport.status == PENDING, scope_filter(staff, PartyReport.community_id)
            )
        )
        or 0
    )
