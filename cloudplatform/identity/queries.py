"""Reads of identity both front ends share: a user's communities, public community pages, residency lists."""

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import (
    Building,
    Community,
    Membership,
    ResidencyRequest,
    StaffAccount,
    Street,
    User,
)
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import keyset_page


def memberships_by_community(user: User) -> list[dict]:
    """``[{community_id, community_name, roles}]`` of the user, by community (one statement)."""
    rows = db.session.execute(
        sa.select(Membership.community_id, Community.name, Membership.role)
        .join(Community, Community.id == Membership.community_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.community_id, Membership.role)
    )
    communities: dict[int, dict] = {}
    for community_id, name, role in rows:
        entry = communities.setdefault(
            community_id, {"community_id": community_id, "community_name": name, "roles": []}
        )
        entry["roles"].append(role)
    return list(communities.values())


def my_residency_page(user: User, cursor: str | None, limit: int):
    """The user's residency requests with their community and building, newest first: (page, cursor)."""
    stmt = (
        sa.select(ResidencyRequest)
        .where(ResidencyRequest.user_id == user.id)
        .options(sa.orm.joinedload(ResidencyRequest.community), sa.orm.joinedload(ResidencyRequest.building))
    )
    return keyset_page(stmt, [ResidencyRequest.id], cursor, limit)


def communities_page(street_id: int | None, cursor: str | None, limit: int):
    """Communities of the city (or of one street) by id, with their street and district: (page, cursor)."""
    stmt = sa.select(Community).options(sa.orm.joinedload(Community.street).joinedload(Street.district))
    if street_id:
        stmt = stmt.where(Community.street_id == street_id)
    return keyset_page(stmt, [Community.id], cursor, limit, descending=False)


def load_community(community_id: int) -> Community:
    community = db.session.get(Community, community_id)
    if community is None:
        raise CommunityNotFound()
    return community


def buildings_page(community: Community, cursor: str | None, limit: int):
    """The buildings of a community by id: (page, cursor)."""
    stmt = sa.select(Building).where(Building.community_id == community.id)
    return keyset_page(stmt, [Building.id], cursor, limit, descending=False)


def residency_requests_page(staff: StaffAccount, status: str, cursor: str | None, limit: int):
    """Residency requests in the staff member's communities with the given status, newest first."""
    stmt = (
        sa.select(ResidencyRequest)
        .where(ResidencyRequest.status == status, scope_filter(staff, ResidencyRequest.community_id))
        .options(sa.orm.joinedload(ResidencyRequest.community), sa.orm.joinedload(ResidencyRequest.building))
    )
    return keyset_page(stmt, [ResidencyRequest.id], cursor, limit)
