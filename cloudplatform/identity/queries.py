"""Reads of identity both front ends share: a user's communities, public community pages, residency
lists, staff accounts, the communities and streets in a staff member's scope, and the dashboard counts."""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import (
    APPROVED,
    PARTY_MEMBER,
    PENDING,
    RESIDENT,
    STAFF_ROLES,
    STREET_ADMIN,
    Building,
    Community,
    District,
    Grid,
    GridAssignment,
    Membership,
    ResidencyRequest,
    StaffAccount,
    Street,
    User,
)
from cloudplatform.identity.permissions import (
    account_filter,
    assigned_grids,
    can_grant,
    in_scope,
    scope_filter,
)
from cloudplatform.pagination import NumberedPage, contains, keyset_page, numbered_page, sort_order
from cloudplatform.privacy import mask_name, mask_phone
from cloudplatform.routing import MAX_ID

MEMBERSHIPS = (
    sa.select(Membership.community_id, Community.name, Membership.role)
    .join(Community, Community.id == Membership.community_id)
    .where(Membership.user_id == sa.bindparam("user_id"))
    .order_by(Membership.community_id, Membership.role)
)  # built once: every /me runs it


def memberships_by_community(user: User) -> list[dict]:
    """``[{community_id, community_name, roles}]`` of the user, by community (one statement)."""
    rows = db.session.execute(MEMBERSHIPS, {"user_id": user.id})
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
        .where(
            ResidencyRequest.status == status,
            scope_filter(staff, ResidencyRequest.community_id, ResidencyRequest.building_id),
        )
        .options(sa.orm.joinedload(ResidencyRequest.community), sa.orm.joinedload(ResidencyRequest.building))
    )
    return keyset_page(stmt, [ResidencyRequest.id], cursor, limit)


def residency_requests(staff: StaffAccount, status: str, limit: int) -> list[ResidencyRequest]:
    """The whole list of one status (up to ``limit``), newest first, in one statement (the export)."""
    return list(
        db.session.scalars(
            sa.select(ResidencyRequest)
            .where(
                ResidencyRequest.status == status,
                scope_filter(staff, ResidencyRequest.community_id, ResidencyRequest.building_id),
            )
            .options(
                sa.orm.joinedload(ResidencyRequest.community), sa.orm.joinedload(ResidencyRequest.building)
            )
            .order_by(ResidencyRequest.id.desc())
            .limit(limit)
        )
    )


# -- staff accounts --------------------------------------------------------------------------------


STAFF_SORTS: dict[str, list] = {
    "created": [StaffAccount.id],
    "username": [StaffAccount.username, StaffAccount.id],
    "role": [sa.case({r: i for i, r in enumerate(STAFF_ROLES)}, value=StaffAccount.role), StaffAccount.id],
}


def staff_accounts_page(
    staff: StaffAccount,
    *,
    q: str = "",
    role: str | None = None,
    active: bool | None = None,
    account_id: int | None = None,
    sort: str = "-created",
    page: int = 1,
) -> NumberedPage:
    """The console's 工作人员 list: the accounts the staff member manages whose username or name
    contains ``q``, of one role, 在职 or 停用, or one account (an audit entry's link); sorted by
    ``created`` (newest first by default), ``username`` or ``role`` (by rank), with their community and
    street (two statements)."""
    stmt = (
        sa.select(StaffAccount)
        .where(account_filter(staff))
        .options(sa.orm.joinedload(StaffAccount.community), sa.orm.joinedload(StaffAccount.street))
    )
    if q:
        stmt = stmt.where(
            sa.or_(
                contains(StaffAccount.username, q),
                contains(StaffAccount.display_name, q),
            )
        )
    if role is not None:
        stmt = stmt.where(StaffAccount.role == role)
    if active is not None:
        stmt = stmt.where(StaffAccount.is_active == active)
    if account_id is not None:
        stmt = stmt.where(StaffAccount.id == account_id)
    return numbered_page(stmt, sort_order(sort, STAFF_SORTS), page)


def existing_user(user_id: int) -> User | None:
    """The user with this id unless there is none or they deleted their account."""
    user = db.session.get(User, user_id) if 1 <= user_id <= MAX_ID else None
    return user if user is not None and user.deleted_at is None else None


def nicknames(user_ids: set[int]) -> dict[int, str]:
    """The nicknames of the given users, in one statement (none for an empty set)."""
    if not user_ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.nickname).where(User.id.in_(user_ids))).tuples()
    return {user_id: nickname for user_id, nickname in rows}


# -- communities and streets in a staff member's scope ---------------------------------------------


def communities_in_scope(staff: StaffAccount) -> list[Community]:
    """The communities the staff member serves, by name, with their street."""
    return list(
        db.session.scalars(
            sa.select(Community)
            .where(scope_filter(staff, Community.id))
            .options(sa.orm.joinedload(Community.street))
            .order_by(Community.name, Community.id)
        )
    )


def load_community_in_scope(staff: StaffAccount, community_id: int) -> Community:
    """One of the communities the staff member serves; any other id is 404."""
    community = db.session.get(Community, community_id) if 1 <= community_id <= MAX_ID else None
    if community is None or not in_scope(staff, community.id):
        raise CommunityNotFound()
    return community


def community_names(ids: set[int | None]) -> dict[int, str]:
    """Names of the given communities, in one statement (none for no ids)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Community.id, Community.name).where(Community.id.in_(ids))).tuples()
    return {community_id: name for community_id, name in rows}


def grid_names(account_ids: Iterable[int]) -> dict[int, list[str]]:
    """The grids each grid worker looks after, by name, in one statement (none for no ids)."""
    ids = set(account_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(GridAssignment.staff_id, Grid.name)
        .join(Grid, Grid.id == GridAssignment.grid_id)
        .where(GridAssignment.staff_id.in_(ids))
        .order_by(Grid.id)
    ).tuples()
    names: dict[int, list[str]] = {}
    for account_id, name in rows:
        names.setdefault(account_id, []).append(name)
    return names


def assigned_grid_ids(account: StaffAccount) -> set[int]:
    """The grids a grid worker looks after."""
    return set(db.session.scalars(assigned_grids(account.id)))


def community_buildings(community: Community) -> list[Building]:
    """Every building of a community by id (the console's picker)."""
    return list(
        db.session.scalars(
            sa.select(Building).where(Building.community_id == community.id).order_by(Building.id)
        )
    )


def community_grids(community: Community) -> list[Grid]:
    return list(
        db.session.scalars(sa.select(Grid).where(Grid.community_id == community.id).order_by(Grid.id))
    )


def streets_grantable(staff: StaffAccount) -> list[Street]:
    """Streets the staff member may create a street admin for (none unless the role allows it)."""
    if not can_grant(staff, STREET_ADMIN, None, staff.street_id):
        return []
    streets = db.session.scalars(sa.select(Street).order_by(Street.name, Street.id))
    return [s for s in streets if can_grant(staff, STREET_ADMIN, None, s.id)]


# -- the dashboard's counts, one statement each ----------------------------------------------------


def _count(model, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions)) or 0


def community_count(staff: StaffAccount) -> int:
    return _count(Community, scope_filter(staff, Community.id))


def resident_count(staff: StaffAccount) -> int:
    return _count(Membership, Membership.role == RESIDENT, scope_filter(staff, Membership.community_id))


def party_member_count(staff: StaffAccount) -> int:
    return _count(Membership, Membership.role == PARTY_MEMBER, scope_filter(staff, Membership.community_id))


def pending_residency_count(staff: StaffAccount) -> int:
    return _count(
        ResidencyRequest,
        ResidencyRequest.status == PENDING,
        scope_filter(staff, ResidencyRequest.community_id, ResidencyRequest.building_id),
    )


def staff_account_count(staff: StaffAccount) -> int:
    return _count(StaffAccount, account_filter(staff))


def audit_page(
    staff: StaffAccount,
    *,
    q: str = "",
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str = "-time",
    page: int = 1,
) -> NumberedPage:
    """Audit entries of the staff member's communities (a city admin's: all) whose actor's name
    contains ``q``, of one action, written in [since, until); newest first unless ``sort`` is
    ``time`` (two statements).

    Here rather than in audit: the audit log knows no domain, and who sees which entries is identity's.
    """
    stmt = sa.select(AuditEntry).where(scope_filter(staff, AuditEntry.community_id))
    if q:
        stmt = stmt.where(contains(AuditEntry.actor_name, q))
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    if since is not None:
        stmt = stmt.where(AuditEntry.created_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.created_at < until)
    return numbered_page(stmt, sort_order(sort, {"time": [AuditEntry.id]}), page)


def audit_entries(staff: StaffAccount, limit: int) -> list[AuditEntry]:
    """The newest ``limit`` audit entries in the staff member's scope, in one statement (the export)."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(scope_filter(staff, AuditEntry.community_id))
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


# -- the dashboard's figures per street and over time, one statement each -------------------------


def figures_by_street(staff: StaffAccount) -> list[sa.Row]:
    """Per district and street in scope: (district, street, communities, residents, party_members)."""
    members = (
        sa.select(
            Membership.community_id,
            sa.func.count().filter(Membership.role == RESIDENT).label("residents"),
            sa.func.count().filter(Membership.role == PARTY_MEMBER).label("party_members"),
        )
        .group_by(Membership.community_id)
        .subquery()
    )
    return list(
        db.session.execute(
            sa.select(
                District.name.label("district"),
                Street.name.label("street"),
                sa.func.count(Community.id).label("communities"),
                sa.func.coalesce(sa.func.sum(members.c.residents), 0).label("residents"),
                sa.func.coalesce(sa.func.sum(members.c.party_members), 0).label("party_members"),
            )
            .join(Street, Street.id == Community.street_id)
            .join(District, District.id == Street.district_id)
            .outerjoin(members, members.c.community_id == Community.id)
            .where(scope_filter(staff, Community.id))
            .group_by(District.id, District.name, Street.id, Street.name)
            .order_by(District.name, District.id, Street.name, Street.id)
        )
    )


def new_residents_by_month(staff: StaffAccount, month_starts: list[datetime]) -> list[int]:
    """How many resident memberships began in each month [month_starts[i], month_starts[i+1]); the last
    start closes the range. One statement (a conditional count per month, any database)."""
    bounds = list(itertools.pairwise(month_starts))
    if not bounds:
        return []
    counts = [
        sa.func.count().filter(Membership.created_at >= start, Membership.created_at < end)
        for start, end in bounds
    ]
    row = db.session.execute(
        sa.select(*counts).where(
            Membership.role == RESIDENT,
            Membership.created_at >= month_starts[0],
            Membership.created_at < month_starts[-1],
            scope_filter(staff, Membership.community_id),
        )
    ).one()
    return [int(n or 0) for n in row]


# -- the console's lists: numbered pages with search words, filters and a sort ---------------------


RESIDENCY_SORTS: dict[str, list] = {
    "created": [ResidencyRequest.id],
    "building": [Building.name, ResidencyRequest.room, ResidencyRequest.id],
}


def residency_review_page(
    staff: StaffAccount,
    status: str,
    *,
    q: str = "",
    community_id: int | None = None,
    sort: str = "-created",
    page: int = 1,
) -> NumberedPage:
    """The console's 居民认证 list: requests of one status in the staff member's communities (or one of
    them), whose real name, building or room contains ``q``; sorted by ``created`` (newest first by
    default) or ``building`` (then room), with their community and building (two statements). The API
    pages the same requests with ``residency_requests_page``."""
    stmt = (
        sa.select(ResidencyRequest)
        .join(Building, Building.id == ResidencyRequest.building_id)
        .where(
            ResidencyRequest.status == status,
            scope_filter(staff, ResidencyRequest.community_id, ResidencyRequest.building_id),
        )
        .options(
            sa.orm.joinedload(ResidencyRequest.community), sa.orm.contains_eager(ResidencyRequest.building)
        )
    )
    if q:
        stmt = stmt.where(
            sa.or_(
                contains(ResidencyRequest.real_name, q),
                contains(Building.name, q),
                contains(ResidencyRequest.room, q),
            )
        )
    if community_id is not None:
        stmt = stmt.where(ResidencyRequest.community_id == community_id)
    return numbered_page(stmt, sort_order(sort, RESIDENCY_SORTS), page)


def users_named(q: str) -> sa.CompoundSelect:
    """Ids of the users whose nickname or verified (approved) real name contains ``q``, or whose phone
    ends with it (four digits or more): a subquery for another domain's list to filter its rows by."""
    matches = [contains(User.nickname, q)]
    if q.isdigit() and len(q) >= 4:
        matches.append(User.phone.like(f"%{q}"))
    verified = sa.select(ResidencyRequest.user_id).where(
        ResidencyRequest.status == APPROVED, contains(ResidencyRequest.real_name, q)
    )
    return sa.select(User.id).where(sa.or_(*matches)).union(verified)


def openid_labels(openids: Iterable[str]) -> dict[str, "UserLabel"]:
    """Users by their openid as staff lists show them (the developers' page of what WeChat received),
    in one statement (none for no openids)."""
    wanted = {o for o in openids if o}
    if not wanted:
        return {}
    rows = db.session.execute(_labels_statement().add_columns(User.openid).where(User.openid.in_(wanted)))
    return {row[-1]: _label(row[:-1]) for row in rows}


# -- names, not ids: users by masked name and home, and the console's type-ahead pickers ---------


@dataclass(frozen=True)
class UserLabel:
    """A user as staff lists show them: the name masked (the verified real name, else the WeChat
    nickname), and their building if they are a resident."""

    user_id: int
    name: str
    building: str | None = None
    phone: str | None = None  # masked

    def __str__(self) -> str:
        return f"{self.name}（{self.building}）" if self.building else self.name


def _real_name(user_id_column) -> sa.ScalarSelect:
    """The name of the user's newest approved residency request (None if never verified)."""
    return (
        sa.select(ResidencyRequest.real_name)
        .where(ResidencyRequest.user_id == user_id_column, ResidencyRequest.status == APPROVED)
        .order_by(ResidencyRequest.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _labels_statement() -> sa.Select:
    return (
        sa.select(User.id, User.nickname, User.phone, _real_name(User.id).label("real_name"), Building.name)
        .outerjoin(Membership, sa.and_(Membership.user_id == User.id, Membership.role == RESIDENT))
        .outerjoin(Building, Building.id == Membership.building_id)
    )


def _label(row) -> UserLabel:
    user_id, nickname, phone, real_name, building = row
    name = mask_name(real_name or nickname) or f"微信用户{user_id}"
    return UserLabel(user_id, name, building, mask_phone(phone))


def user_labels(user_ids: Iterable[int | None]) -> dict[int, UserLabel]:
    """Users by id as staff lists show them, in one statement (none for no ids); a user with no record
    left is missing from the answer."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(_labels_statement().where(User.id.in_(ids)))
    return {label.user_id: label for label in map(_label, rows)}


PICKER_LIMIT = 10


def search_communities(staff: StaffAccount, q: str, limit: int = PICKER_LIMIT) -> list[tuple[int, str]]:
    """Communities in scope whose name, street or district contains ``q``: (id, "name（street）")."""
    rows = db.session.execute(
        sa.select(Community.id, Community.name, Street.name)
        .join(Street, Street.id == Community.street_id)
        .join(District, District.id == Street.district_id)
        .where(
            scope_filter(staff, Community.id),
            sa.or_(
                contains(Community.name, q),
                contains(Street.name, q),
                contains(District.name, q),
            ),
        )
        .order_by(Community.name, Community.id)
        .limit(limit)
    )
    return [(community_id, f"{name}（{street}）") for community_id, name, street in rows]


def search_buildings(
    staff: StaffAccount, community_id: int, q: str, limit: int = PICKER_LIMIT
) -> list[tuple[int, str]]:
    """Buildings of one community in scope (404 otherwise) whose name or grid contains ``q``."""
    community = load_community_in_scope(staff, community_id)
    rows = db.session.execute(
        sa.select(Building.id, Building.name, Grid.name)
        .join(Grid, Grid.id == Building.grid_id)
        .where(
            Building.community_id == community.id,
            sa.or_(contains(Building.name, q), contains(Grid.name, q)),
        )
        .order_by(Building.id)
        .limit(limit)
    )
    return [(building_id, f"{name}（{grid}）") for building_id, name, grid in rows]


def search_users(staff: StaffAccount, q: str, limit: int = PICKER_LIMIT) -> list[UserLabel]:
    """Users with a role in the staff member's communities whose verified name or nickname contains
    ``q``, or whose phone ends with it (digits), by id."""
    matches = [contains(User.nickname, q), contains(_real_name(User.id), q)]
    if q.isdigit() and len(q) >= 4:
        matches.append(User.phone.like(f"%{q}"))
    in_scope_ids = sa.select(Membership.user_id).where(scope_filter(staff, Membership.community_id))
    rows = db.session.execute(
        _labels_statement()
        .where(User.deleted_at.is_(None), User.id.in_(in_scope_ids), sa.or_(*matches))
        .order_by(User.id)
        .limit(limit)
    )
    return [_label(row) for row in rows]
