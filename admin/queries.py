"""Console queries, each limited to the staff member's scope through permissions.scope_filter."""

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    PARTY_MEMBER,
    PENDING,
    RESIDENT,
    STREET_ADMIN,
    Community,
    Membership,
    ResidencyRequest,
    StaffAccount,
    Street,
)
from cloudplatform.identity.permissions import account_filter, can_grant, scope_filter, sees_everything
from cloudplatform.notify.models import Notification


def count_of(model, *conditions) -> sa.Select:
    return sa.select(sa.func.count()).select_from(model).where(*conditions)


# (label, staff -> one COUNT statement): one query per dashboard card
DASHBOARD_CARDS = [
    ("社区", lambda staff: count_of(Community, scope_filter(staff, Community.id))),
    (
        "居民",
        lambda staff: count_of(
            Membership, Membership.role == RESIDENT, scope_filter(staff, Membership.community_id)
        ),
    ),
    (
        "在职党员",
        lambda staff: count_of(
            Membership, Membership.role == PARTY_MEMBER, scope_filter(staff, Membership.community_id)
        ),
    ),
    (
        "待审核居民认证",
        lambda staff: count_of(
            ResidencyRequest,
            ResidencyRequest.status == PENDING,
            scope_filter(staff, ResidencyRequest.community_id),
        ),
    ),
    ("工作人员账号", lambda staff: count_of(StaffAccount, account_filter(staff))),
]


def community_names(ids: set[int | None]) -> dict[int, str]:
    """Names of the given communities, in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(Community.id, Community.name).where(Community.id.in_(ids))).all()
    )


def communities_in_scope(staff: StaffAccount) -> list[Community]:
    return list(
        db.session.scalars(
            sa.select(Community)
            .where(scope_filter(staff, Community.id))
            .options(sa.orm.joinedload(Community.street))
            .order_by(Community.name, Community.id)
        )
    )


def streets_grantable(staff: StaffAccount) -> list[Street]:
    """Streets the staff member may create a street admin for (none unless the role allows it)."""
    if not can_grant(staff, STREET_ADMIN, None, staff.street_id):
        return []
    streets = db.session.scalars(sa.select(Street).order_by(Street.name, Street.id))
    return [s for s in streets if can_grant(staff, STREET_ADMIN, None, s.id)]


def outbox_statement(staff: StaffAccount, status: str | None) -> sa.Select:
    """Notifications the staff member may see: a city admin all of them, others those of users who
    hold a membership in one of their communities (one subquery)."""
    stmt = sa.select(Notification)
    if not sees_everything(staff):
        members = sa.select(Membership.user_id).where(scope_filter(staff, Membership.community_id))
        stmt = stmt.where(Notification.user_id.in_(members))
    if status is not None:
        stmt = stmt.where(Notification.status == status)
    return stmt
