"""GET /services/notices/{id}: the notice in full; reading it records one receipt per user."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cloudplatform.clock import now
from cloudplatform.identity.models import RESIDENT
from cloudplatform.service.notices.models import PARTY_MEMBERS, Notice, NoticeReceipt
from tests.service.notices.helpers import URL, make_notice, person
from tests.world import log_in

ATTACHMENTS = [{"name": "停水区域示意图.jpg", "url": "https://example.com/tingshui.jpg"}]


@pytest.fixture
def resident(client, world):
    person("resident", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    return log_in(client, "resident")


def receipts(db, notice) -> int:
    return db.session.scalar(select(func.count()).where(NoticeReceipt.notice_id == notice.id))


def read_count(db, notice) -> int:
    return db.session.scalar(select(Notice.read_count).where(Notice.id == notice.id))


def test_detail_shows_the_body_and_attachments(client, world, resident):
    notice = make_notice(world.home, title="关于临时停水的通知", body="周六停水。", attachments=ATTACHMENTS)
    response = client.get(f"{URL}/{notice.id}", headers=resident)
    assert response.status_code == 200
    assert response.json["title"] == "关于临时停水的通知"
    assert response.json["body"] == "周六停水。"
    assert response.json["attachments"] == ATTACHMENTS
    assert response.json["read"] is True


def test_first_read_records_a_receipt_and_counts_it(client, db, world, resident):
    notice = make_notice(world.home)
    client.get(f"{URL}/{notice.id}", headers=resident)
    assert receipts(db, notice) == 1
    assert read_count(db, notice) == 1


def test_second_read_by_the_same_user_changes_nothing(client, db, world, resident):
    notice = make_notice(world.home)
    client.get(f"{URL}/{notice.id}", headers=resident)
    second = client.get(f"{URL}/{notice.id}", headers=resident)
    assert second.status_code == 200
    assert receipts(db, notice) == 1
    assert read_count(db, notice) == 1


def test_reads_by_two_users_count_two(client, db, world, resident):
    notice = make_notice(world.home)
    person("neighbour", world.home, RESIDENT, building_id=world.buildings[world.home.id])
    client.get(f"{URL}/{notice.id}", headers=resident)
    client.get(f"{URL}/{notice.id}", headers=log_in(client, "neighbour"))
    client.get(f"{URL}/{notice.id}", headers=resident)
    assert receipts(db, notice) == 2
    assert read_count(db, notice) == 2


@pytest.mark.parametrize(
    "make",
    [
        lambda world: make_notice(world.neighbour),
        lambda world: make_notice(world.elsewhere),
        lambda world: make_notice(world.home, audience=PARTY_MEMBERS),
        lambda world: make_notice(world.home, withdrawn_at=now() - timedelta(minutes=1)),
        lambda world: make_notice(world.home, publish_at=now() + timedelta(hours=2)),
        lambda world: make_notice(world.home, expires_at=now() - timedelta(minutes=1)),
    ],
    ids=[
        "neighbour-community",
        "other-street",
        "other-audience",
        "withdrawn",
        "not-yet-published",
        "expired",
    ],
)
def test_notice_the_caller_may_not_read_is_404_and_records_nothing(client, db, world, resident, make):
    notice = make(world)
    response = client.get(f"{URL}/{notice.id}", headers=resident)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOTICE_NOT_FOUND"
    assert receipts(db, notice) == 0
    assert read_count(db, notice) == 0


def test_unknown_notice_is_404(client, world, resident):
    assert client.get(f"{URL}/999999", headers=resident).status_code == 404


def test_detail_needs_a_login(client, world):
    notice = make_notice(world.home)
    assert client.get(f"{URL}/{notice.id}").status_code == 401
