"""Reads of the outbox: the notifications a staff member may see."""

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity.models import Membership, StaffAccount
from cloudplatform.identity.permissions import scope_filter, sees_everything
from cloudplatform.identity.queries import users_named
from cloudplatform.notify.models import FAILED, Notification
from cloudplatform.pagination import NumberedPage, numbered_page


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


def outbox_page(
    staff: StaffAccount,
    *,
    status: str | None = None,
    template_key: str | None = None,
    q: str = "",
    oldest_first: bool = False,
    page: int = 1,
) -> NumberedPage:
    """The console's 消息发送 list: the staff member's outbox, of one status and one template, to users
    whose nickname, verified name or phone's last digits match ``q``; newest first (two statements)."""
    stmt = outbox_statement(staff, status)
    if template_key is not None:
        stmt = stmt.where(Notification.template_key == template_key)
    if q:
        stmt = stmt.where(Notification.user_id.in_(users_named(q)))
    return numbered_page(stmt, [Notification.id.asc() if oldest_first else Notification.id.desc()], page)


def failed_count(staff: StaffAccount) -> int:
    """Messages in the staff member's outbox that failed (one statement)."""
    stmt = outbox_statement(staff, FAILED).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt)) or 0
