"""Reads of 党员报到 and 岗位 both front ends share: units open to a community, reports, posts and claims,
and the scoped loaders (a record outside the caller's reach answers 404)."""

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import keyset_page
from cloudplatform.party.errors import ClaimNotFound, PostNotFound, ReportNotFound, UnitNotFound
from cloudplatform.party.models import (
    CLAIM_ACTIVE,
    PartyReport,
    PartyUnit,
    PartyUnitCommunity,
    PostClaim,
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
    return _load_scoped(PartyUnit, unit_id, staff, UnitNotFound())


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
    return _load_scoped(PartyReport, report_id, staff, ReportNotFound())


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
    return _load_scoped(PostClaim, claim_id, staff, ClaimNotFound())


def load_staff_post(staff: StaffAccount | None, post_id: int) -> ServicePost:
    return _load_scoped(ServicePost, post_id, staff, PostNotFound())


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


def _load_scoped(model, record_id: int, staff: StaffAccount | None, missing: Exception):
    """A record of one of the staff member's communities: 403 without the right, ``missing`` (404) outside."""
    staff = permissions.require(staff, MANAGE)
    record = db.session.get(model, record_id)
    if record is None or not permissions.in_scope(staff, record.community_id):
        raise missing
    return record
