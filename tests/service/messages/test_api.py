"""建言献策 and 信箱留言 through the API: a suggestion is answered and published with its author told and
never named; every refusal answers its code and keeps nothing."""

import json

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN
from cloudplatform.notify.models import Notification
from cloudplatform.service.messages.models import Message
from tests.helpers import count_queries
from tests.service.demands.fixtures import resident_of
from tests.world import log_in

SERVICES, STAFF = "/api/v1/services", "/api/v1/staff"
IDEA = "建议在小区增设电动车充电桩"


def write(client, headers, community, kind="suggestion", content=IDEA, **more):
    body = {"community_id": community.id, "kind": kind, "content": content, **more}
    return client.post(f"{SERVICES}/messages", json=body, headers=headers)


def reply(client, headers, message_id, text="感谢建议，已列入明年计划"):
    return client.post(f"{STAFF}/messages/{message_id}/reply", json={"reply": text}, headers=headers)


def publish(client, headers, message_id):
    return client.post(f"{STAFF}/messages/{message_id}/publish", headers=headers)


def refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code, response.json


def messages() -> list[tuple]:
    _db.session.expire_all()
    rows = _db.session.scalars(sa.select(Message).order_by(Message.id))
    return [(m.id, m.status, m.reply, m.published_at) for m in rows]


def told(user) -> list[dict]:
    _db.session.expire_all()
    return [
        n.data for n in _db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id))
    ]


@pytest.fixture
def writer(client, world):
    user = resident_of(world.home, "周桂兰")
    return user, log_in(client, "周桂兰")


@pytest.fixture
def staff(client):
    return log_in(client, f"staff-{COMMUNITY_STAFF}")


def test_a_suggestion_is_answered_and_published_and_its_author_told(client, world, writer, staff):
    user, me = writer
    made = write(client, me, world.home, publish_consent=True)
    assert made.status_code == 201, made.json
    message = made.json["id"]
    assert (made.json["kind_name"], made.json["status_name"], made.json["held"]) == (
        "建言献策",
        "待回复",
        False,
    )

    inbox = client.get(f"{STAFF}/messages?status=waiting&kind=suggestion", headers=staff).json["items"]
    assert [(i["id"], i["writer_name"], i["content"]) for i in inbox] == [(message, "周**", IDEA)]
    answered = reply(client, staff, message)
    assert answered.status_code == 200 and answered.json["status"] == "replied"
    assert [(m["thing1"]["value"], m["thing2"]["value"]) for m in told(user)] == [
        ("建言献策", "感谢建议，已列入明年计划")
    ]
    mine = client.get(f"{SERVICES}/messages/mine", headers=me).json["items"]
    assert [(m["id"], m["status_name"], m["reply"], m["published"]) for m in mine] == [
        (message, "已回复", "感谢建议，已列入明年计划", False)
    ]

    url = f"{SERVICES}/messages/published?community_id={world.home.id}"
    assert client.get(url).json["items"] == []
    shown = publish(client, staff, message)
    assert shown.status_code == 200 and shown.json["published"] is True
    published = client.get(url).json["items"]
    assert [(p["id"], p["content"], p["reply"]) for p in published] == [
        (message, IDEA, "感谢建议，已列入明年计划")
    ]
    text = json.dumps(published, ensure_ascii=False)
    assert "周" not in text and "user" not in text and "writer" not in text
    assert client.get(f"{SERVICES}/messages/mine", headers=me).json["items"][0]["published"] is True


def test_a_mailbox_message_is_answered_and_never_published(client, world, writer, staff):
    user, me = writer
    message = write(client, me, world.home, "mailbox", "楼道灯坏了三天", publish_consent=True).json["id"]
    assert reply(client, staff, message, "已安排电工维修").status_code == 200
    before = messages()
    refused(publish(client, staff, message), 409, "PUBLISH_REFUSED")
    assert messages() == before and len(told(user)) == 1


def test_a_suggestion_without_consent_or_answer_is_not_published(client, world, writer, staff):
    _, me = writer
    private = write(client, me, world.home).json["id"]
    waiting = write(client, me, world.home, content="建议增加健身器材", publish_consent=True).json["id"]
    assert reply(client, staff, private).status_code == 200
    before = messages()
    refused(publish(client, staff, private), 409, "PUBLISH_REFUSED")
    refused(publish(client, staff, waiting), 409, "PUBLISH_REFUSED")
    assert messages() == before


def test_a_message_is_answered_once(client, world, writer, staff):
    user, me = writer
    message = write(client, me, world.home).json["id"]
    assert reply(client, staff, message).status_code == 200
    before = messages()
    refused(
        reply(client, log_in(client, f"staff-{STREET_ADMIN}"), message, "再次回复"), 409, "ALREADY_REPLIED"
    )
    assert messages() == before and len(told(user)) == 1


def test_risky_text_is_refused_and_nothing_kept(client, world, writer):
    _, me = writer
    refused(write(client, me, world.home, content="有人在楼下聚众赌博"), 422, "CONTENT_RISKY")
    assert messages() == []


def test_doubtful_text_is_held_for_staff(client, world, writer):
    _, me = writer
    made = write(client, me, world.home, content="有意者加微信详谈")
    assert made.status_code == 201 and made.json["held"] is True and made.json["held_note"]


@pytest.mark.parametrize(
    "field, value",
    [("content", "建" * 2001), ("content", "建议\x00增设"), ("content", ""), ("kind", "complaint")],
)
def test_bad_input_is_refused_and_nothing_kept(client, world, writer, field, value):
    _, me = writer
    response = write(client, me, world.home, **{field: value})
    refused(response, 422, "VALIDATION_ERROR")
    assert field in response.json["error"]["details"]["fields"]
    assert messages() == []


def test_only_a_member_writes_to_a_community(client, world, writer):
    _, me = writer
    refused(write(client, me, world.elsewhere), 404, "NOT_FOUND")
    assert messages() == []


def test_another_communitys_message_is_not_found(client, world, staff):
    resident_of(world.elsewhere, "远方居民")
    message = write(client, log_in(client, "远方居民"), world.elsewhere).json["id"]
    before = messages()
    refused(reply(client, staff, message), 404, "MESSAGE_NOT_FOUND")
    refused(publish(client, staff, message), 404, "MESSAGE_NOT_FOUND")
    assert client.get(f"{STAFF}/messages", headers=staff).json["items"] == []
    assert messages() == before


@pytest.mark.parametrize("who", ["resident", GRID_WORKER])
def test_replying_needs_the_right(client, world, writer, who):
    _, me = writer
    message = write(client, me, world.home).json["id"]
    headers = me if who == "resident" else log_in(client, f"staff-{who}")
    before = messages()
    assert reply(client, headers, message).status_code == 403
    assert messages() == before


def test_the_lists_take_the_same_statements_however_many_messages(client, app, world, staff):
    for n in range(3):
        resident_of(world.home, f"居民{n}")
        headers = log_in(client, f"居民{n}")
        message = write(client, headers, world.home, publish_consent=True).json["id"]
        reply(client, staff, message)
        publish(client, staff, message)
    lists = {
        "inbox": (f"{STAFF}/messages", staff),
        "mine": (f"{SERVICES}/messages/mine", headers),
        "published": (f"{SERVICES}/messages/published?community_id={world.home.id}", {}),
    }
    for name, (url, with_headers) in lists.items():
        with count_queries(app) as statements:
            response = client.get(url, headers=with_headers)
        assert response.status_code == 200 and response.json["items"], name
        assert len(statements) <= 4, (name, statements)
