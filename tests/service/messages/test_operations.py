"""建言献策 and 信箱留言 through the operations: only a member writes (risky text refused and kept nowhere,
doubtful text held for staff); a message is replied to once, its writer told once, also when two staff
reply at once (PostgreSQL); a suggestion is published only with its author's consent and a reply."""

import pytest
import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.errors import Forbidden, NotFound
from cloudplatform.extensions import db as _db
from cloudplatform.identity.content import ContentRisky
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER, StaffAccount
from cloudplatform.notify.models import Notification
from cloudplatform.service.messages import operations, queries
from cloudplatform.service.messages.errors import AlreadyReplied, PublishRefused
from cloudplatform.service.messages.models import MAILBOX, REPLIED, SUGGESTION, WAITING, Message
from tests.service.aid.test_race import race
from tests.service.demands.fixtures import resident_of
from tests.world import wechat_user

IDEA = "建议在小区东门增设电动自行车充电桩"
ANSWER = "感谢建议，已列入明年计划"


def count(model, *where) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def told(user) -> list[str]:
    """The replies the user was sent."""
    messages = _db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == user.id, Notification.template_key == "message_reply"
        )
    )
    return [m.data["thing2"]["value"] for m in messages]


def written(world, user, kind=SUGGESTION, content=IDEA, consent=False) -> Message:
    message = operations.write_message(
        user, community_id=world.home.id, kind=kind, content=content, publish_consent=consent
    )
    _db.session.commit()
    return message


def test_only_a_member_of_the_community_writes(world):
    resident = resident_of(world.home, "周阿姨")
    message = written(world, resident)
    assert (message.status, message.held, message.kind_name) == (WAITING, False, "建言献策")
    with pytest.raises(NotFound):
        operations.write_message(resident, community_id=world.elsewhere.id, kind=MAILBOX, content=IDEA)
    with pytest.raises(NotFound):
        operations.write_message(wechat_user("路人"), community_id=world.home.id, kind=MAILBOX, content=IDEA)
    _db.session.rollback()
    assert count(Message) == 1


def test_risky_text_is_refused_and_doubtful_text_held(world):
    resident = resident_of(world.home, "周阿姨")
    with pytest.raises(ContentRisky):
        operations.write_message(
            resident, community_id=world.home.id, kind=MAILBOX, content="小区里有人聚众赌博"
        )
    _db.session.rollback()
    assert count(Message) == 0
    held = written(world, resident, MAILBOX, "想找人帮忙，请加微信联系我")
    assert held.held
    inbox, _ = queries.inbox_page(world.staff[COMMUNITY_STAFF], None, None, None, 20)
    assert [m.id for m in inbox] == [held.id]  # staff read it


def test_a_message_is_replied_to_once_and_its_writer_told_once(world):
    resident = resident_of(world.home, "周阿姨")
    message = written(world, resident, MAILBOX, "3号楼电梯经常停运")
    operations.reply_to(world.staff[COMMUNITY_STAFF], message, f"  {ANSWER}  ")
    _db.session.commit()
    assert (message.status, message.reply, message.status_name) == (REPLIED, ANSWER, "已回复")
    assert told(resident) == [ANSWER]
    assert count(AuditEntry, AuditEntry.action == "message.reply") == 1

    with pytest.raises(AlreadyReplied):
        operations.reply_to(world.staff[COMMUNITY_ADMIN], message, "再次回复")
    _db.session.rollback()
    _db.session.refresh(message)
    assert (message.reply, message.replied_by_id) == (ANSWER, world.staff[COMMUNITY_STAFF].id)
    assert told(resident) == [ANSWER]


def test_a_grid_worker_does_not_reply(world):
    message = written(world, resident_of(world.home, "周阿姨"))
    with pytest.raises(Forbidden):
        operations.reply_to(world.staff[GRID_WORKER], message, ANSWER)
    _db.session.rollback()
    assert _db.session.get(Message, message.id).status == WAITING


def test_a_suggestion_is_published_with_consent_and_a_reply(world):
    resident = resident_of(world.home, "周阿姨")
    staff = world.staff[COMMUNITY_STAFF]
    consenting = written(world, resident, consent=True)
    unconsenting = written(world, resident)
    mailbox = written(world, resident, MAILBOX, "请问老年证怎么办", consent=True)
    assert not mailbox.publish_consent  # only suggestions are published

    with pytest.raises(PublishRefused):  # not replied yet
        operations.publish(staff, consenting)
    for message in (consenting, unconsenting, mailbox):
        operations.reply_to(staff, message, ANSWER)
    for refused in (unconsenting, mailbox):
        with pytest.raises(PublishRefused):
            operations.publish(staff, refused)
    operations.publish(staff, consenting)
    _db.session.commit()

    page, _ = queries.published_page(world.home.id, None, 20)
    assert [m.id for m in page] == [consenting.id]
    first = consenting.published_at
    operations.publish(staff, consenting)  # once is enough: the date stays
    assert consenting.published_at == first
    assert count(AuditEntry, AuditEntry.action == "message.publish") == 1


@pytest.mark.postgres
def test_two_staff_replying_at_once_one_reply_counts(app, world):
    resident = resident_of(world.home, "周阿姨")
    message = written(world, resident, MAILBOX, "3号楼电梯经常停运")

    def reply(staff_id: int, text: str):
        def action():
            staff = _db.session.get(StaffAccount, staff_id)
            return operations.reply_to(staff, queries.load_staff_message(staff, message.id), text).reply

        return action

    results = race(
        app,
        [
            reply(world.staff[COMMUNITY_STAFF].id, "甲的回复"),
            reply(world.staff[COMMUNITY_ADMIN].id, "乙的回复"),
        ],
    )

    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1 and any(isinstance(r, AlreadyReplied) for r in results), results
    _db.session.rollback()
    assert _db.session.get(Message, message.id).reply == winners[0]
    assert told(resident) == winners
