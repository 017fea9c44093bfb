"""服务云 in the mini-program client's H5 build: a resident reads a notice (its unread mark goes), finds a
guide by searching in Chinese, books a slot of its service from the slot picker, sees the booking QR,
and cancels; checks in with the code on the counter's screen; writes a suggestion that staff answer and
publish."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, RESIDENT
from cloudplatform.service.bookings.operations import create_bookable, set_opening_hours
from cloudplatform.service.guides.operations import create_guide
from cloudplatform.venue import venue_code
from tests.miniprogram.helpers import log_in
from tests.service.notices.helpers import make_notice, person
from tests.world import log_in as api_log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def kiosk(world):
    """The demo's 自助服务终端: open around the clock, 15-minute slots of 2 places, no notice, so a slot can
    be booked at any hour; its guide links to it."""
    staff = world.staff[COMMUNITY_STAFF]
    service = create_bookable(
        staff,
        world.home.id,
        name="自助服务终端",
        location="党群服务中心一楼24小时自助服务区",
        slot_minutes=15,
        capacity=2,
        min_notice_hours=0,
        max_advance_days=1,
        max_active_per_user=2,
        cancel_cutoff_hours=0,
    )
    set_opening_hours(staff, service, [(weekday, 0, 24 * 60) for weekday in range(7)])
    create_guide(
        staff,
        world.home.id,
        category="社保医保",
        title="社保缴费查询打印",
        purpose="在自助服务终端查询、打印社保缴费记录",
        materials=["身份证"],
        bookable_id=service.id,
        files=[("办理须知.txt", "请携带本人身份证。".encode())],
    )
    _db.session.commit()
    return service


def test_a_resident_reads_a_notice_and_it_is_no_longer_unread(live_server, phone, world):
    person("zhangxiulan", world.home, RESIDENT)
    make_notice(
        world.home, title="关于火炬路片区临时停水的通知", pinned=True, body="12月10日8:00至18:00停水。"
    )
    make_notice(world.home, title="冬季供暖缴费提醒")

    resident = phone()
    log_in(resident, live_server, "zhangxiulan")
    resident.get_by_text("通知公告").click()
    expect(resident.locator("[data-test=unread-count]")).to_have_text("2 条未读")
    water = resident.locator("[data-test=notice]", has_text="临时停水")
    expect(water).to_contain_text("置顶")
    expect(water).to_contain_text("未读")
    water.click()
    expect(resident.locator("[data-test=notice-detail]")).to_contain_text("12月10日8:00至18:00停水。")

    resident.go_back()
    expect(resident.locator("[data-test=unread-count]")).to_have_text("1 条未读")
    expect(resident.locator("[data-test=notice]", has_text="临时停水")).not_to_contain_text("未读")
    expect(resident.locator("[data-test=notice]", has_text="供暖")).to_contain_text("未读")


def test_a_resident_finds_a_guide_books_a_slot_and_shows_the_booking_qr(
    live_server, phone, world, kiosk, tmp_path
):
    person("zhangxiulan", world.home, RESIDENT)

    resident = phone()
    log_in(resident, live_server, "zhangxiulan")
    resident.get_by_text("办事指南").click()
    resident.locator("[data-test=guide-query] input").fill("社保")
    resident.locator("[data-test=guide-search]").click()
    guide = resident.locator("[data-test=guide]", has_text="社保缴费查询打印")
    expect(guide).to_contain_text("可预约")
    guide.click()
    expect(resident.locator("[data-test=guide-materials]")).to_contain_text("身份证")
    attachment = resident.locator("[data-test=guide-attachment]", has_text="办理须知.txt")
    with resident.context.expect_event("response", lambda r: "/attachments/" in r.url) as fetched:
        attachment.click()  # guides are public: the file comes without the token
    assert fetched.value.status == 200
    assert fetched.value.headers["content-type"].startswith("text/plain")
    resident.locator("[data-test=guide-book]").click()

    expect(resident.locator("[data-test=bookable-name]")).to_have_text("自助服务终端")
    free = resident.locator("[data-test=slot]:not(.off)")
    none_today = resident.get_by_text("当天没有可预约的时段")
    resident.locator("[data-test=slot]").or_(none_today).first.wait_for()
    if not free.count():  # late in the evening the rest of today is over: tomorrow's slots
        resident.locator("[data-test=day]", has_text="明天").click()
    expect(free.first).to_contain_text("余 2 个")
    (free.nth(1) if free.count() > 1 else free.first).click()  # not one whose booking closes in seconds
    resident.screenshot(path=tmp_path / "slot-picked.png", full_page=True)
    resident.locator("[data-test=book]").click()

    booking = resident.locator("[data-test=booking]", has_text="自助服务终端")
    expect(booking.locator("[data-test=booking-status]")).to_have_text("已预约")
    qr = booking.locator("[data-test=booking-qr] img")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/png;base64,iVBOR"))
    resident.screenshot(path=tmp_path / "booking-qr.png", full_page=True)

    booking.locator("[data-test=cancel]").click()
    booking.locator("[data-test=confirm-cancel]").click()
    expect(booking.locator("[data-test=booking-status]")).to_have_text("已取消")
    expect(booking.locator("[data-test=booking-qr]")).to_have_count(0)


def test_a_resident_checks_in_with_the_code_on_the_counters_screen(live_server, phone, world, kiosk, client):
    person("zhangxiulan", world.home, RESIDENT)
    me = api_log_in(client, "zhangxiulan")
    today = (datetime.now(UTC) + timedelta(hours=8)).date()
    soon = datetime.now(UTC) + timedelta(minutes=2)
    slot = next(  # the first slot starting in a few minutes: check-in opens 30 minutes before
        s
        for day in (today, today + timedelta(days=1))
        for s in client.get(
            f"/api/v1/services/bookables/{kiosk.id}/slots?date={day}&limit=100", headers=me
        ).json["items"]
        if s["bookable_now"] and datetime.fromisoformat(s["starts_at"]) > soon
    )
    assert (
        client.post("/api/v1/services/bookings", json={"slot_id": slot["id"]}, headers=me).status_code == 201
    )

    resident = phone()
    log_in(resident, live_server, "zhangxiulan")
    resident.get_by_text("预约服务").click()
    resident.locator("[data-test=my-bookings]").click()
    booking = resident.locator("[data-test=booking]", has_text="自助服务终端")
    expect(booking.locator("[data-test=booking-status]")).to_have_text("已预约")
    resident.locator("[data-test=venue-code] input").fill("booking.1.0.an-old-photo")
    resident.locator("[data-test=check-in]").click()
    expect(resident.locator("[data-test=bookings-error]")).to_be_visible()
    resident.locator("[data-test=venue-code] input").fill(venue_code("booking", kiosk.id))
    resident.locator("[data-test=check-in]").click()
    expect(booking.locator("[data-test=booking-status]")).to_have_text("已核销")


def test_a_resident_writes_a_suggestion_and_reads_the_answer(live_server, phone, world, client, tmp_path):
    person("zhangxiulan", world.home, RESIDENT)

    resident = phone()
    log_in(resident, live_server, "zhangxiulan")
    resident.get_by_text("建言献策").click()
    resident.locator("[data-test=message-content] textarea").fill("建议在小区增设电动车充电桩")
    resident.get_by_text("同意社区公开这条建议及答复").click()
    expect(resident.locator("[data-test=publish-consent]")).to_have_text("✓")
    resident.locator("[data-test=send-message]").click()
    written = resident.locator("[data-test=my-message]", has_text="增设电动车充电桩")
    expect(written).to_contain_text("待回复")

    staff = api_log_in(client, f"staff-{COMMUNITY_STAFF}")
    mine = client.get("/api/v1/staff/messages", headers=staff).json["items"]
    message_id = next(m["id"] for m in mine if "充电桩" in m["content"])
    replied = client.post(
        f"/api/v1/staff/messages/{message_id}/reply",
        json={"reply": "感谢建议，已列入明年计划"},
        headers=staff,
    )
    assert replied.status_code == 200, replied.json
    assert client.post(f"/api/v1/staff/messages/{message_id}/publish", headers=staff).status_code == 200

    resident.reload()
    expect(written.locator("[data-test=message-reply]")).to_contain_text("感谢建议，已列入明年计划")
    expect(written).to_contain_text("已回复")
    resident.locator("[data-test=published]").click()
    published = resident.locator("[data-test=published-message]", has_text="增设电动车充电桩")
    expect(published).to_contain_text("已列入明年计划")
    resident.screenshot(path=tmp_path / "published.png", full_page=True)
