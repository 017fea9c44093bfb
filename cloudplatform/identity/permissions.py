"""The one place that decides who may do what, and where.

A staff role works in one community, one street's communities, or the whole city. A record outside
the caller's scope answers 404 (as if it did not exist); a role without the right answers 403.
"""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from cloudplatform.errors import Forbidden, NotFound
from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    ORG_STAFF,
    STAFF_ROLES,
    STREET_ADMIN,
    Building,
    Community,
    GridAssignment,
    Membership,
    StaffAccount,
    User,
)

# action -> staff roles allowed to perform it (always within their scope)
ACTIONS = {
    "residency.review": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "staff.manage": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "account.own": set(STAFF_ROLES),  # one's own password
    "outbox.view": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "audit.view": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "dev.tools": {CITY_ADMIN},
    "notice.manage": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "guide.manage": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "booking.manage": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "booking.checkin": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    # 党建云: units, reports, posts and activities; the venue screen and attendance at an activity
    "party.manage": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "party.attendance": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    # 云柜: deposit items for residents, collect drop-offs and retrieve expired ones; keys, remote opening
    "locker.deposit": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "locker.manage": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    # 困难救助: community review (acceptance, materials, home visit, 公示, objections); the street's approval;
    # 先行救助; exports with ID numbers and phones; the categories and the holiday calendar
    "aid.review": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "aid.approve": {STREET_ADMIN, CITY_ADMIN},
    "aid.emergency": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "aid.export_sensitive": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "aid.configure": {CITY_ADMIN},
    # 群众点单 (五单): organisations and 下单 by the community; 接单 and reporting done by the
    # organisation's workers (their own organisation's demands only); 督单 by the community's
    # supervisors; 验单 by the street; replies to suggestions and mailbox messages
    "demand.dispatch": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "demand.fulfil": {ORG_STAFF},
    "demand.supervise": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "demand.verify": {STREET_ADMIN, CITY_ADMIN},
    # 志愿云: teams, projects and shifts; attendance (scanning a volunteer's QR, confirming and correcting
    # hours); deciding a volunteer's dispute of their hours; the points rules and adjustments
    "volunteer.manage": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "volunteer.attendance": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "volunteer.disputes": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "points.manage": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    # 志愿云 II: the 爱心超市's rewards and stock; handing a redemption over at the counter (核销); revoking a
    # service certificate; nominating and publishing a year's outstanding volunteers
    "reward.manage": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "reward.fulfil": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "certificate.revoke": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "recognition.manage": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "organisation.manage": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "message.reply": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
}

# Which staff roles each role may create: never above its own rank.
GRANTABLE = {
    COMMUNITY_ADMIN: {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN},
    STREET_ADMIN: {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN},
    CITY_ADMIN: set(STAFF_ROLES) - {ORG_STAFF},  # organisations' workers are added on their organisation
}


def require(staff: StaffAccount | None, action: str) -> StaffAccount:
    """The staff member may perform the action somewhere; else 403."""
    if staff is None or not allows(staff, action):
        raise Forbidden()
    return staff


F = TypeVar("F", bound=Callable[..., Any])


def requires(action: str) -> Callable[[F], F]:
    """Declare on an operation whose first argument is the acting staff member the right it needs (403)."""

    def decorate(operation: F) -> F:
        @functools.wraps(operation)
        def checked(staff, *args, **kwargs):
            require(staff, action)
            return operation(staff, *args, **kwargs)

        checked.action = action  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


def allows(staff: StaffAccount | None, action: str) -> bool:
    """Whether the staff member may perform the action somewhere (e.g. to show a menu entry)."""
    return staff is not None and staff.is_active and staff.role in ACTIONS[action]


def sees_everything(staff: StaffAccount) -> bool:
    """Only city admins see records that belong to no community."""
    return staff.role == CITY_ADMIN


def scope_filter(
    staff: StaffAccount,
    community_column: sa.SQLColumnExpression,
    building_column: sa.SQLColumnExpression | None = None,
) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting ``community_column`` to the communities the staff member serves. With
    ``building_column`` (a record tied to a building: a residency request, an aid case), a grid worker
    assigned to grids sees only their buildings; one assigned to none sees the whole community."""
    if staff.role == CITY_ADMIN:
        return sa.true()
    if staff.role == STREET_ADMIN:
        return community_column.in_(sa.select(Community.id).where(Community.street_id == staff.street_id))
    in_community = community_column == staff.community_id
    if building_column is None or staff.role != GRID_WORKER:
        return in_community
    return sa.and_(in_community, in_grids_clause(staff, building_column))


def assigned_grids(staff_id: int) -> sa.Select:
    """The ids of the grids a grid worker looks after."""
    return sa.select(GridAssignment.grid_id).where(GridAssignment.staff_id == staff_id)


def in_grids_clause(staff: StaffAccount, building_column: sa.SQLColumnExpression) -> sa.ColumnElement[bool]:
    """The building is in one of the grid worker's grids, or they were given none."""
    grids = assigned_grids(staff.id)
    return sa.or_(
        ~grids.exists(), building_column.in_(sa.select(Building.id).where(Building.grid_id.in_(grids)))
    )


def in_grids(staff: StaffAccount, building_id: int | None) -> bool:
    """``scope_filter``'s grid rule for one record, in one statement."""
    if staff.role != GRID_WORKER or building_id is None:
        return True
    return bool(db.session.scalar(sa.select(in_grids_clause(staff, sa.literal(building_id)))))


def in_scope(staff: StaffAccount, community_id: int | None) -> bool:
    if community_id is None:
        return staff.role == CITY_ADMIN
    if staff.role == CITY_ADMIN:
        return True
    if staff.role == STREET_ADMIN:
        street_id = db.session.scalar(sa.select(Community.street_id).where(Community.id == community_id))
        return street_id is not None and street_id == staff.street_id
    return community_id == staff.community_id


def load_scoped(
    model, record_id: int, staff: StaffAccount | None, action: str, missing: type[NotFound] = NotFound
):
    """Load a community's record for a staff action: 403 without the role, 404 outside the scope (the
    domain's own code with ``missing``, e.g. REPORT_NOT_FOUND); a record tied to a building outside a
    grid worker's grids is outside it too (``scope_filter``)."""
    staff = require(staff, action)
    record = db.session.get(model, record_id)
    if record is None or not in_scope(staff, record.community_id):
        raise missing()
    if not in_grids(staff, getattr(record, "building_id", None)):
        raise missing()
    return record


def can_grant(staff: StaffAccount, role: str, community_id: int | None, street_id: int | None) -> bool:
    """Whether ``staff`` may create an account with this role and scope."""
    if role not in GRANTABLE.get(staff.role, set()):
        return False
    if role == STREET_ADMIN:
        return staff.role == CITY_ADMIN or street_id == staff.street_id
    if role == CITY_ADMIN:
        return True
    return in_scope(staff, community_id)


def account_filter(staff: StaffAccount) -> sa.ColumnElement[bool]:
    """The staff accounts a manager manages: those of its communities, and a street's own accounts."""
    community_accounts = scope_filter(staff, StaffAccount.community_id)
    if staff.role == STREET_ADMIN:
        return sa.or_(community_accounts, StaffAccount.street_id == staff.street_id)
    return community_accounts


def load_account(account_id: int, staff: StaffAccount | None) -> StaffAccount:
    """Load a staff account to manage: 403 without the role, 404 outside the manager's scope."""
    staff = require(staff, "staff.manage")
    account = db.session.get(StaffAccount, account_id)
    if account is None:
        raise NotFound()
    street_account = staff.role == STREET_ADMIN and account.street_id == staff.street_id
    if not (staff.role == CITY_ADMIN or street_account or in_scope(staff, account.community_id)):
        raise NotFound()
    return account


def member_roles(user: User, community_id: int) -> set[str]:
    """The roles (resident, party_member, volunteer) the user holds in the community."""
    return set(
        db.session.scalars(
            sa.select(Membership.role).where(
                Membership.user_id == user.id, Membership.community_id == community_id
            )
        )
    )


def require_member(user: User, community_id: int) -> set[str]:
    """The user belongs to the community, in any role; else 404: it is not theirs. Returns the roles."""
    held = member_roles(user, community_id)
    if not held:
        raise NotFound()
    return held
