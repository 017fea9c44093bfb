"""志愿云 in the mini-program client's H5 build: a volunteer waits for a full shift, confirms the place
offered, checks in by the code on the organiser's screen, reads their points and takes a certificate;
a volunteer redeems a reward by locker, naming the cabinet an earlier locker redemption went into; staff
put it in; the client shows the pickup code, the cabinet (the device API) opens with it, and the
redemption shows as collected."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from tests.locker.core import device_post, make_cabinet
from tests.miniprogram.helpers import log_in
from tests.volunteer.fixtures import project, shift, signup, volunteer
from tests.volunteer.reward_fixtures import make_reward, rich_volunteer
from tests.world import log_in as api_log_in

pytestmark = pytest.mark.browser

STAFF = "/api/v1/staff/volunteer"


def put_in_locker(client, volunteer_headers) -> dict:
    """Staff put the volunteer's newest locker redemption into the cabinet it names; its deposit."""
    made = client.get("/api/v1/volunteer/redemptions/mine", headers=volunteer_headers).json["items"][0]
    staff = api_log_in(client, f"staff-{GRID_WORKER}")
    put = client.post(f"{STAFF}/redemptions/{made['id']}/deposit", json={}, headers=staff)
    assert put.status_code == 200, put.json
    return put.json


def open_and_close(client, key_id, secret, code: str) -> None:
    """At the cabinet: the code typed, the door opens, the item taken, the door shut."""
    opened = device_post(client, key_id, secret, "pickups", {"code": code})
    assert opened.status_code == 200, opened.json
    door = opened.json["compartment"]
    events = [{"type": "door_opened", "compartment": door}, {"type": "door_closed", "compartment": door}]
    assert device_post(client, key_id, secret, "events", {"events": events}).json == {"accepted": 2}


def test_a_volunteer_redeems_by_locker_and_the_cabinet_opens_with_the_code_the_client_shows(
    live_server, phone, client, world, tmp_path
):
    cabinet, key_id, secret = make_cabinet(world.home, name="火炬路服务中心云柜")
    cup = make_reward(world.home, name="保温杯", price=40, size="M")
    rich_volunteer(world, world.home, "zhiyuan", 200)
    headers = api_log_in(client, "zhiyuan")
    # an earlier locker redemption, collected: the client learns the cabinet from it
    earlier = client.post(
        f"/api/v1/volunteer/rewards/{cup.id}/redemptions",
        json={"delivery": "locker", "cabinet_id": cabinet.id},
        headers=headers,
    )
    assert earlier.status_code == 201, earlier.json
    put_in_locker(client, headers)
    code = client.get("/api/v1/lockers/deposits/mine", headers=headers).json["items"][0]["code"]
    open_and_close(client, key_id, secret, code)

    volunteer = phone()
    log_in(volunteer, live_server, "zhiyuan")
    volunteer.get_by_text("志愿服务").click()
    expect(volunteer.locator("[data-test=points-balance]")).to_have_text("160")
    volunteer.locator("[data-test=go-rewards]").click()
    reward = volunteer.locator("[data-test=reward]", has_text="保温杯")
    reward.locator("[data-test=redeem]").click()
    reward.locator("[data-test=delivery-locker]").click()
    reward.locator("[data-test=cabinet-option]", has_text="火炬路服务中心云柜").click()
    reward.locator("[data-test=confirm-redeem]").click()

    mine = volunteer.locator("[data-test=redemption]").first
    expect(mine).to_contain_text("保温杯")
    expect(mine).to_contain_text("待领取")
    expect(mine.locator("[data-test=waiting-locker]")).to_be_visible()
    volunteer.screenshot(path=tmp_path / "redeemed.png", full_page=True)

    deposit = put_in_locker(client, headers)
    assert deposit["cabinet_id"] == cabinet.id  # the one the volunteer picked

    volunteer.reload()
    pickup = volunteer.locator("[data-test=redemption]").first.locator("[data-test=pickup]")
    expect(pickup).to_contain_text("火炬路服务中心云柜")
    pickup.locator("[data-test=show-pickup-qr]").click()
    expect(pickup.locator("[data-test=pickup-qr] img")).to_have_attribute(
        "src", re.compile(r"^data:image/png;base64,")
    )
    shown = pickup.locator("[data-test=pickup-code]").inner_text().strip()
    assert len(shown) == 8 and shown.isdigit()
    volunteer.screenshot(path=tmp_path / "pickup-code.png", full_page=True)

    open_and_close(client, key_id, secret, shown)

    volunteer.reload()
    collected = volunteer.locator("[data-test=redemption]").first
    expect(collected).to_contain_text("已领取")
    expect(collected.locator("[data-test=pickup]")).to_have_count(0)


def test_a_volunteer_waits_for_a_full_shift_confirms_the_offer_checks_in_and_takes_a_certificate(
    live_server, phone, client, world, tmp_path
):
    home = world.home
    lesson = shift(project(home, "智慧老人课堂", "elderly"), capacity=1)
    signup(lesson, volunteer(home, "zhiyuan"))
    patrol = shift(project(home, "平安巡逻", "neighbourhood"), starts_in=timedelta(minutes=10))
    rich_volunteer(world, home, "liuyang", 50)

    me = phone()
    log_in(me, live_server, "liuyang")
    me.get_by_text("志愿服务").click()
    expect(me.locator("[data-test=points-balance]")).to_have_text("50")
    me.locator("[data-test=go-shifts]").click()
    full = me.locator("[data-test=shift]", has_text="智慧老人课堂")
    expect(full).to_contain_text("已满，报名进入候补")
    full.get_by_text("详情").click()
    expect(full.locator("[data-test=shift-detail]")).to_contain_text("为老服务")
    full.locator("[data-test=sign-up]").click()
    expect(full.locator("[data-test=my-status]")).to_have_text("候补中")

    gave_back = client.post(
        f"/api/v1/volunteer/shifts/{lesson.id}/signups/cancel", headers=api_log_in(client, "zhiyuan")
    )
    assert gave_back.status_code == 200, gave_back.json
    me.reload()
    me.locator("[data-test=my-offers] [data-test=confirm-offer]").click()
    expect(full.locator("[data-test=my-status]")).to_have_text("已报名")
    me.screenshot(path=tmp_path / "offer-confirmed.png", full_page=True)
    full.locator("[data-test=cancel-signup]").click()
    expect(full.locator("[data-test=my-status]")).to_have_count(0)
    expect(full.locator("[data-test=sign-up]")).to_have_text("我要报名")

    soon = me.locator("[data-test=shift]", has_text="平安巡逻")
    soon.locator("[data-test=sign-up]").click()
    expect(soon.locator("[data-test=my-status]")).to_have_text("已报名")

    screen = client.get(
        f"/api/v1/staff/volunteer/shifts/{patrol.id}/qr",
        headers=api_log_in(client, f"staff-{COMMUNITY_STAFF}"),
    )
    assert screen.status_code == 200, screen.json
    me.goto(f"{live_server}/m/#/pages/volunteer/attendance")
    me.locator("[data-test=venue-code] input").fill(screen.json["code"])
    me.locator("[data-test=check-in]").click()
    expect(me.locator("[data-test=attendance-result]")).to_contain_text("平安巡逻：已签到")
    expect(me.locator("[data-test=my-signups]")).to_contain_text("签到 ")

    me.goto(f"{live_server}/m/#/pages/volunteer/points")
    expect(me.locator("[data-test=balance]")).to_have_text("50")
    expect(me.locator("[data-test=ledger-entry]").first).to_contain_text("+50")
    expect(me.locator("[data-test=my-hours]")).to_contain_text("时长以组织者确认为准")

    me.goto(f"{live_server}/m/#/pages/volunteer/certificate")
    me.locator("[data-test=issue-certificate]").click()
    picture = me.locator("[data-test=certificate-image] img")
    expect(picture).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    expect(me.locator("[data-test=my-certificates]")).to_contain_text("有效")
    me.screenshot(path=tmp_path / "certificate.png", full_page=True)
