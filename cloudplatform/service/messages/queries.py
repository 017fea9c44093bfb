"""Reads of 建言献策 and 信箱留言: the writer's own messages, the staff inbox, published suggestions, and the
loaders (a message outside the caller's reach answers 404)."""

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import scope_filter
from cloudplatform.pagination import keyset_page
from cloudplatform.service.messages.errors import MessageNotFound
from cloudplatform.service.messages.models import Message

REPLY = "message.reply"


def my_messages_page(user: User, cursor: str | None, limit: int):
    """The user's messages with their replies, newest first: (page, cursor)."""
    return keyset_page(sa.select(Message).where(Message.user_id == user.id), [Message.id], cursor, limit)


def published_page(community_id: int, cursor: str | None, limit: int):
    """The community's published suggestions with their answers, newest first: (page, cursor)."""
    stmt = sa.select(Message).where(Message.community_id == community_id, Message.published_at.is_not(None))
    return keyset_page(stmt, [Message.id], cursor, limit)


def inbox_page(staff: StaffAccount, status: str | None, kind: str | None, cursor: str | None, limit: int):
    """Messages to the staff member's communities (of one status and kind when given) with their writers,
    newest first."""
    staff = permissions.require(staff, REPLY)
    stmt = (
        sa.select(Message)
        .where(scope_filter(staff, Message.community_id))
        .options(sa.orm.joinedload(Message.user))
    )
    if status:
        stmt = stmt.where(Message.status == status)
    if kind:
        stmt = stmt.where(Message.kind == kind)
    return keyset_page(stmt, [Message.id], cursor, limit)


def load_staff_message(staff: StaffAccount | None, message_id: int) -> Message:
    return permissions.load_scoped(Message, message_id, staff, REPLY, MessageNotFound)


def load_own_message(user: User, message_id: int) -> Message:
    message = db.session.get(Message, message_id)
    if message is None or message.user_id != user.id:
        raise MessageNotFound()
    return message
