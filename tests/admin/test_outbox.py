"""消息发送: the outbox, limited to users with a membership in the scope (city admins: everyone)."""

import pytest

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN
from cloudplatform.notify.models import FAILED
from cloudplatform.notify.operations import notify
from tests.admin.console import member, sign_in_as, text
from tests.factories import UserFactory

RESIDENCY_VALUES = {"thing1": "火炬路社区", "phrase2": "已通过", "thing3": "欢迎使用社区云平台"}


def queue(user, key="residency_result"):
    message = notify(user, key, RESIDENCY_VALUES, page="pages/me/residency")
    _db.session.commit()
    return message


def row(notification) -> str:
    return f'data-notification="{notification.id}"'


@pytest.fixture
def home_message(world):
    return queue(member(world.home))


def test_lists_a_queued_notification(client, world, home_message):
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get("/admin/outbox"))
    assert row(home_message) in page
    assert "residency_result" in page
    assert "待发送" in page


def test_leaves_out_users_of_another_community(client, world, home_message):
    elsewhere = queue(member(world.elsewhere))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert row(elsewhere) not in text(client.get("/admin/outbox"))


def test_street_admin_sees_the_neighbours_users(client, world, home_message):
    neighbour = queue(member(world.neighbour))
    elsewhere = queue(member(world.elsewhere))
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/outbox"))
    assert row(home_message) in page
    assert row(neighbour) in page
    assert row(elsewhere) not in page


def test_city_admin_sees_users_without_a_community(client, world):
    drifter = queue(UserFactory())
    sign_in_as(client, world.staff[CITY_ADMIN])
    assert row(drifter) in text(client.get("/admin/outbox"))


def test_filter_by_status(client, world, home_message, db):
    failed = queue(member(world.home))
    failed.status, failed.attempts, failed.last_error = FAILED, 5, "45011 频率限制"
    db.session.commit()
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get("/admin/outbox?status=failed"))
    assert row(failed) in page
    assert "45011 频率限制" in page
    assert row(home_message) not in page


def test_a_refused_message_shows_wechats_errcode_and_its_meaning(client, world, home_message, db):
    home_message.status, home_message.attempts, home_message.errcode = FAILED, 1, 47003
    home_message.last_error = "WECHAT_MESSAGE_INVALID: argument invalid! data.thing1.value invalid"
    db.session.commit()
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get("/admin/outbox?status=failed"))
    assert '<span data-errcode="47003">47003 模板参数不符合规则（字段类型或长度不对）</span>' in page
    assert "data.thing1.value invalid" in page
