"""建言献策 and 信箱留言: a member of a community writes to it (content-checked: risky text refused,
doubtful text held for staff); staff reply once and the writer is told; a suggestion whose author
consented is published with its answer."""

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.content import HELD, screen_text
from cloudplatform.identity.errors import ReasonRequired
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.notify.operations import notify
from cloudplatform.service.messages.errors import AlreadyReplied, PublishRefused
from cloudplatform.service.messages.models import KINDS, REPLIED, SUGGESTION, WAITING, Message

REPLY = "message.reply"
PAGE = "pages/services/messages"


def write_message(user: User, *, community_id: int, kind: str, content: str, publish_consent: bool = False):
    """Write a suggestion or a mailbox message to a community the user belongs to.

    :raises NotFound: the user is not a member of the community.
    :raises ContentRisky: WeChat judged the text risky.
    """
    permissions.require_member(user, community_id)
    verdict = screen_text(user, content)
    message = Message(
        community_id=community_id,
        user_id=user.id,
        kind=kind,
        content=content.strip(),
        held=verdict == HELD,
        publish_consent=publish_consent and kind == SUGGESTION,
    )
    db.session.add(message)
    db.session.flush()
    return message


@requires(REPLY)
def reply_to(staff: StaffAccount, message: Message, reply: str) -> Message:
    """Answer the message (once); the writer is told.

    :raises AlreadyReplied: answered already (also when another staff member answered first).
    """
    if not reply.strip():
        raise ReasonRequired.for_field("reply", "请填写回复内容")
    moved = db.session.execute(
        sa.update(Message)
        .where(Message.id == message.id, Message.status == WAITING)
        .values(status=REPLIED, reply=reply.strip(), replied_by_id=staff.id, replied_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(message)
    if moved != 1:
        raise AlreadyReplied()
    record(staff, "message.reply", target=message, community_id=message.community_id)
    notify(
        message.user,
        "message_reply",
        {"thing1": KINDS[message.kind], "thing2": message.reply, "time3": message.replied_at},
        page=f"{PAGE}?id={message.id}",
    )
    return message


@requires(REPLY)
def publish(staff: StaffAccount, message: Message) -> Message:
    """Publish a replied suggestion whose author consented, with its answer.

    :raises PublishRefused: not a suggestion, no consent, or not replied yet.
    """
    if message.kind != SUGGESTION or not message.publish_consent or message.status != REPLIED:
        raise PublishRefused()
    if message.published_at is None:
        message.published_at = now()
        record(staff, "message.publish", target=message, community_id=message.community_id)
    return message
