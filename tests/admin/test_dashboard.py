"""The dashboard counts what lies in the signed-in member's scope."""

import re
from datetime import timedelta

import pytest

from cloudplatform.clock import local, now
from cloudplatform.identity.models import (
    APPROVED,
    CITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    PARTY_MEMBER,
    STREET_ADMIN,
)
from cloudplatform.notify.models import FAILED, Notification
from cloudplatform.service.bookings.models import CANCELLED, CHECKED_IN, CONFIRMED
from tests.admin.console import member, residency_request, sign_in_as, text
from tests.factories import BookingFactory, SlotFactory, StaffAccountFactory, UserFactory
from tests.helpers import count_queries
from tests.service.bookings.fixtures import make_service

TODAY = {
    "待审核党员报到": 0,
    "待办救助申请": 0,
    "今日预约": 0,
    "今日核销": 0,
    "待取投递件": 0,
    "发送失败消息": 0,
}


def figures(communities, residents, party_members, pending, accounts) -> dict[str, int]:
    return TODAY | {
        "社区": communities,
        "居民": residents,
        "在职党员": party_members,
        "待审核居民认证": pending,
        "工作人员账号": accounts,
    }


def cards(client) -> dict[str, int]:
    page = text(client.get("/admin/"))
    return {label: int(value) for label, value in re.findall(r'data-count="([^"]+)">(\d+)<', page)}


@pytest.fixture
def spread(world):
    """In each of home, neighbour and elsewhere: a resident, a party member, a pending request,
    a decided request and a staff account (besides the world's staff, who all belong to home)."""
    for community in (world.home, world.neighbour, world.elsewhere):
        member(community)
        member(community, PARTY_MEMBER)
        residency_request(world, community)
        residency_request(world, community, status=APPROVED)
        StaffAccountFactory(role=COMMUNITY_STAFF, community_id=community.id)
    return world


def test_community_staff_count_their_community(client, spread):
    sign_in_as(client, spread.staff[COMMUNITY_STAFF])
    # home's staff: grid worker, community staff, community admin, and the one made above
    assert cards(client) == figures(1, 1, 1, 1, 4)


def test_street_admin_counts_the_street(client, spread):
    sign_in_as(client, spread.staff[STREET_ADMIN])
    # home's four, the neighbour's one, and the street admin's own street-level account
    assert cards(client) == figures(2, 2, 2, 2, 6)


def test_city_admin_counts_everything(client, spread):
    sign_in_as(client, spread.staff[CITY_ADMIN])
    # all accounts: the world's five and the three made above
    assert cards(client) == figures(3, 3, 3, 3, 8)


# -- today's work: links, the street table, the trend and its statements ---------------------------


def tile_link(page: str, label: str) -> str:
    return re.search(rf'data-tile="{label}">\s*<div class="label"><a href="([^"]+)">', page).group(1)


def test_cards_of_todays_work_link_to_their_lists(client, spread):
    sign_in_as(client, spread.staff[COMMUNITY_STAFF])
    page = text(client.get("/admin/"))
    assert tile_link(page, "待审核居民认证") == "/admin/residency"
    assert tile_link(page, "今日预约") == "/admin/bookings/day"
    assert tile_link(page, "发送失败消息") == "/admin/outbox?status=failed"


def test_failed_messages_are_counted_in_scope(client, spread, db):
    home_user, other_user = member(spread.home), member(spread.elsewhere)
    for user in (home_user, other_user):
        db.session.add(Notification(user_id=user.id, template_key="residency_result", status=FAILED))
    db.session.commit()
    sign_in_as(client, spread.staff[COMMUNITY_STAFF])
    assert cards(client)["发送失败消息"] == 1


def test_todays_bookings_and_check_ins_are_counted(client, world, db):
    service = make_service(world)
    today = local(now()).date()
    slot = SlotFactory(
        bookable_id=service.id,
        community_id=world.home.id,
        starts_at=now(),
        ends_at=now() + timedelta(minutes=30),
        capacity=3,
        book_from=now() - timedelta(days=1),
        book_until=now(),
    )
    for status in (CONFIRMED, CHECKED_IN, CANCELLED):
        BookingFactory(
            community_id=world.home.id,
            bookable_id=service.id,
            slot_id=slot.id,
            user_id=UserFactory().id,
            status=status,
        )
    assert local(slot.starts_at).date() == today
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    counted = cards(client)
    assert (counted["今日预约"], counted["今日核销"]) == (2, 1)


def test_grid_worker_sees_no_outbox_card(client, spread):
    sign_in_as(client, spread.staff[GRID_WORKER])
    assert "发送失败消息" not in cards(client)


def test_street_admin_sees_the_street_table(client, spread):
    sign_in_as(client, spread.staff[STREET_ADMIN])
    page = text(client.get("/admin/"))
    rows = re.findall(r"<tr data-street=\"[^\"]+\">(.*?)</tr>", page, re.S)
    assert len(rows) == 1
    assert re.findall(r"<td>(\d+)</td>", rows[0]) == ["2", "2", "2"]


def test_city_admin_sees_every_street(client, spread):
    sign_in_as(client, spread.staff[CITY_ADMIN])
    assert len(re.findall(r"<tr data-street=", text(client.get("/admin/")))) == 2


def test_community_staff_see_no_street_table(client, spread):
    sign_in_as(client, spread.staff[COMMUNITY_STAFF])
    assert 'data-table="streets"' not in text(client.get("/admin/"))


def test_trend_charts_twelve_months_of_new_residents(client, spread):
    sign_in_as(client, spread.staff[CITY_ADMIN])
    page = text(client.get("/admin/"))
    chart = page.split('data-chart="resident-trend"')[1].split("</svg>")[0]
    assert chart.count('<g class="point">') == 12
    assert "<title>近十二个月新增居民</title>" in chart
    this_month = f"{local(now()).month}月：3人"  # the three residents made this month
    assert this_month in chart


def test_dashboard_statements_do_not_grow_with_the_data(app, client, spread):
    sign_in_as(client, spread.staff[CITY_ADMIN])
    client.get("/admin/")
    with count_queries(app) as before:
        client.get("/admin/")
    for _ in range(3):
        member(spread.neighbour)
        residency_request(spread, spread.elsewhere)
    with count_queries(app) as after:
        client.get("/admin/")
    # cards, street table, trend, the signed-in account; 党建云's six; 云柜's one; 群众点单与留言's two
    assert len(after) == len(before) == 11 + 2 + 1 + 6 + 1 + 2


def test_the_locker_card_links_to_its_pages(client, spread):
    sign_in_as(client, spread.staff[GRID_WORKER])
    card = re.search(
        r'<div class="card" data-block="locker">(.*?)\n</div>', text(client.get("/admin/")), re.S
    ).group(1)
    for path in ("/admin/locker/cabinets", "/admin/locker/alerts", "/admin/locker/retrievals"):
        assert f'href="{path}"' in card
    assert '<div class="value" data-locker-count="occupancy">0 / 0</div>' in card
