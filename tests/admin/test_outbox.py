"""消息发送: the outbox, limited to users with a membership in the scope (city admins: everyone)."""

import html
import re
from datetime import date
from urllib.parse import parse_qsl

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import (
    APPROVED,
    CITY_ADMIN,
    COMMUNITY_STAFF,
    STREET_ADMIN,
    Building,
    Membership,
)
from cloudplatform.notify.models import FAILED
from cloudplatform.notify.operations import notify
from tests.admin.console import member, sign_in_as, text
from tests.admin.list_pages import ids_on, pager_link, row_of
from tests.factories import ResidencyRequestFactory, UserFactory
from tests.helpers import count_queries

RESIDENCY_VALUES = {"thing1": "火炬路社区", "phrase2": "已通过", "thing3": "欢迎使用社区云平台"}


REMINDER_VALUES = {"thing1": "党群服务中心活动室", "date2": date(2026, 12, 8), "thing3": "请准时到场"}


def queue(user, key="residency_result"):
    values = REMINDER_VALUES if key == "booking_reminder" else RESIDENCY_VALUES
    message = notify(user, key, values, page="pages/me/residency")
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
    assert '<td data-template="residency_result">居民认证结果通知</td>' in page
    assert "待发送" in page
    assert "共 1 条" in page


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


def test_names_the_recipient_masked_with_their_building(client, world, db):
    user = member(world.home, user=UserFactory(nickname="李建国", phone="13912345678"))
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
    membership.building_id = world.buildings[world.home.id]
    db.session.commit()
    building = db.session.get(Building, world.buildings[world.home.id]).name
    message = queue(user)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    cells = row_of(text(client.get("/admin/outbox")), "notification", message.id)
    assert f'<td data-user="{user.id}">李**（{building}）</td>' in cells
    assert "李建国" not in cells


def outbox_rows(client, **query) -> list[int]:
    return [int(i) for i in ids_on(text(client.get("/admin/outbox", query_string=query)), "notification")]


def test_filter_by_template(client, world, home_message):
    reminder = queue(member(world.home), "booking_reminder")
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get("/admin/outbox?template=booking_reminder"))
    assert '<option value="booking_reminder" selected>预约提醒</option>' in page
    assert outbox_rows(client, template="booking_reminder") == [reminder.id]
    assert outbox_rows(client, template="residency_result") == [home_message.id]


def test_search_by_recipient_name_or_phone(client, world, db):
    zhang = queue(member(world.home, user=UserFactory(nickname="张三", phone="13800005678")))
    li = queue(member(world.home, user=UserFactory(nickname="李四")))
    odd = queue(member(world.home, user=UserFactory(nickname="100%满意")))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert outbox_rows(client, q="张") == [zhang.id]
    assert outbox_rows(client, q="5678") == [zhang.id]
    assert outbox_rows(client, q="%") == [odd.id]
    assert outbox_rows(client, q="_") == []
    assert outbox_rows(client) == [odd.id, li.id, zhang.id]


def test_search_finds_the_verified_name(client, world, db):
    user = member(world.home, user=UserFactory(nickname="wx-user"))
    ResidencyRequestFactory(
        user_id=user.id,
        community_id=world.home.id,
        building_id=world.buildings[world.home.id],
        real_name="王秀英",
        status=APPROVED,
    )
    message = queue(user)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert outbox_rows(client, q="秀英") == [message.id]


def test_search_keeps_to_the_scope(client, world):
    queue(member(world.elsewhere, user=UserFactory(nickname="张三")))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert outbox_rows(client, q="张三") == []


def test_status_tabs_keep_the_search(client, world, db):
    failed = queue(member(world.home, user=UserFactory(nickname="张三")))
    failed.status = FAILED
    db.session.commit()
    queue(member(world.home, user=UserFactory(nickname="张四")))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get("/admin/outbox", query_string={"q": "张"}))
    tab = re.search(r'<a href="([^"]+)">发送失败</a>', page).group(1)
    assert outbox_rows(client, **dict(parse_qsl(html.unescape(tab).split("?")[1]))) == [failed.id]


def test_pages_by_number_oldest_first_on_request(client, world):
    user = member(world.home)
    made = [queue(user).id for _ in range(51)]
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    first = text(client.get("/admin/outbox"))
    assert "共 51 条，第 1–50 条" in first
    second = text(client.get(pager_link(first, "next")))
    assert [int(i) for i in ids_on(second, "notification")] == [made[0]]
    assert outbox_rows(client, sort="created")[:2] == made[:2]


@pytest.mark.parametrize("query", ["status=lost", "template=nope", "page=zz", "sort=evil"])
def test_bad_query_strings_are_ignored(client, world, home_message, query):
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    response = client.get(f"/admin/outbox?{query}")
    assert response.status_code == 200
    assert row(home_message) in text(response)


def test_reads_a_constant_number_of_statements(client, world, home_message, app):
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    with count_queries(app) as one:
        client.get("/admin/outbox")
    for _ in range(6):
        queue(member(world.home))
    with count_queries(app) as many:
        page = text(client.get("/admin/outbox"))
    assert len(ids_on(page, "notification")) == 7
    assert len(many) == len(one)
