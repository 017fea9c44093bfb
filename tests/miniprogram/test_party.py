"""党建云 in the mini-program client's H5 build: a reported party member signs up to an activity and checks
in with the code the venue's screen shows (fetched from the staff endpoint, as the console's screen does)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cloudplatform.clock import now
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from tests.miniprogram.helpers import log_in
from tests.party.activities.fixtures import make_activity
from tests.party.fixtures import make_unit, party_member, resident
from tests.world import log_in as api_log_in

pytestmark = pytest.mark.browser


def test_a_reported_member_signs_up_and_checks_in_with_the_venue_code(
    live_server, phone, client, world, tmp_path
):
    unit = make_unit(world.home, "国网宝鸡供电公司")
    party_member(world.home, "lijianguo", unit)
    starts_at = now().replace(microsecond=0) + timedelta(minutes=10)  # check-in opens 30 minutes before
    activity = make_activity(
        world, title="社区清洁主题党日", venue="社区党群服务中心", starts_at=starts_at, capacity=30
    )

    member = phone()
    log_in(member, live_server, "lijianguo")
    member.get_by_text("党员报到").click()
    card = member.locator("[data-test=party-report]")
    expect(card).to_contain_text("已报到")
    expect(card).to_contain_text("国网宝鸡供电公司")

    member.locator("[data-test=party-activities]").click()
    member.locator("[data-test=party-activity]", has_text="社区清洁主题党日").click()
    detail = member.locator("[data-test=activity-detail]")
    expect(detail).to_contain_text("社区党群服务中心")
    member.locator("[data-test=sign-up]").click()
    expect(detail.locator("[data-test=my-signup]")).to_contain_text("已报名")
    expect(detail).to_contain_text("1 / 30")
    member.locator("[data-test=go-check-in]").click()

    staff = api_log_in(client, f"staff-{GRID_WORKER}")
    screen = client.get(f"/api/v1/staff/party/activities/{activity.id}/qr", headers=staff)
    assert screen.status_code == 200, screen.json
    member.locator("[data-test=venue-code] input").fill(screen.json["code"])
    member.locator("[data-test=check-in]").click()
    result = member.locator("[data-test=check-in-result]")
    expect(result).to_contain_text("签到成功")
    expect(result).to_contain_text("社区清洁主题党日")
    expect(result).to_contain_text("已报名")
    member.screenshot(path=tmp_path / "party-checked-in.png", full_page=True)

    member.locator("[data-test=venue-code] input").fill(screen.json["code"])
    member.locator("[data-test=check-in]").click()
    expect(member.locator("[data-test=check-in-error]")).to_contain_text("您已签到")

    counter = api_log_in(client, f"staff-{COMMUNITY_STAFF}")
    roster = client.get(f"/api/v1/staff/party/activities/{activity.id}/signups", headers=counter).json[
        "items"
    ]
    confirmed = client.post(f"/api/v1/staff/party/signups/{roster[0]['id']}/confirm", headers=counter)
    assert confirmed.status_code == 200, confirmed.json
    member.goto(f"{live_server}/m/#/pages/party/hours")
    expect(member.locator("[data-test=party-card]")).to_contain_text("今年服务时长 2 小时")
    expect(member.locator("[data-test=hours-month]")).to_contain_text("参加活动 1 次")
    member.screenshot(path=tmp_path / "party-hours.png", full_page=True)


def test_a_resident_reports_to_the_community_and_waits_for_approval(live_server, phone, world):
    make_unit(world.home, "宝鸡市税务局高新分局")
    resident(world.home, "liuyang")

    person = phone()
    log_in(person, live_server, "liuyang")
    person.get_by_text("党员报到").click()
    person.locator("[data-test=report-unit]", has_text="宝鸡市税务局高新分局").click()
    person.locator("[data-test=report-name] input").fill("刘洋")
    person.locator("[data-test=report-position] input").fill("科员")
    person.locator("[data-test=submit-report]").click()
    card = person.locator("[data-test=party-report]")
    expect(card).to_contain_text("待审核")
    expect(card).to_contain_text(f"{world.home.name}")
    expect(card).to_contain_text("宝鸡市税务局高新分局")
    expect(person.locator("[data-test=report-form]")).to_have_count(0)
