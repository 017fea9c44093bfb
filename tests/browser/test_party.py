"""党建云 in headless Chromium: a worker approves a member's report from the queue, and an activity's venue
screen refreshes itself to the next 30-second code.

time_machine moves the clock of the whole process, so the live server's thread sees it too.
"""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, PARTY_MEMBER, RESIDENT, Membership
from cloudplatform.party.activities.operations import create_activity
from cloudplatform.party.models import APPROVED, PartyReport, PartyUnit, PartyUnitCommunity
from cloudplatform.qr import qr_png
from cloudplatform.venue import WINDOW_SECONDS, venue_code
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD
from tests.world import wechat_user

pytestmark = pytest.mark.browser

START = datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)  # a window starts on the minute


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def waiting_report(world) -> PartyReport:
    unit = PartyUnit(community_id=world.home.id, name="宝鸡市税务局高新分局")
    _db.session.add(unit)
    _db.session.flush()
    _db.session.add(PartyUnitCommunity(unit_id=unit.id, community_id=world.home.id))
    user = wechat_user("lijianguo")
    _db.session.add(Membership(user_id=user.id, community_id=world.home.id, role=RESIDENT))
    report = PartyReport(user_id=user.id, community_id=world.home.id, unit_id=unit.id, real_name="李建国")
    _db.session.add(report)
    _db.session.commit()
    return report


def test_a_worker_approves_a_report_from_the_queue(live_server, page, db, world, clock, tmp_path):
    report = waiting_report(world)
    page.goto(f"{live_server}/admin/sign-in?next=/admin/party/reports")
    fill_sign_in(page, world.staff[COMMUNITY_STAFF].username, PASSWORD)

    expect(page.get_by_role("heading", name="报到审核")).to_be_visible()
    expect(page.locator('[data-count="pending"]')).to_have_text("1")
    row = page.locator(f'[data-report="{report.id}"]')
    expect(row.locator('[data-field="name"]')).to_have_text("李**")
    page.screenshot(path=tmp_path / "party-reports.png", full_page=True)
    row.get_by_role("link", name="审核").click()

    expect(page.locator('[data-field="real_name"]')).to_have_text("李建国")  # the reviewer sees it whole
    page.get_by_role("button", name="通过").click()

    expect(page.get_by_role("alert")).to_have_text("已通过 李** 的报到")
    expect(page.locator('[data-count="pending"]')).to_have_text("0")
    expect(page.locator('[data-count="approved"]')).to_have_text("1")
    _db.session.commit()  # end the test's transaction: see what the server's request committed
    assert _db.session.get(PartyReport, report.id).status == APPROVED
    held = {m.role for m in _db.session.query(Membership).filter_by(user_id=report.user_id)}
    assert PARTY_MEMBER in held


def test_the_venue_screen_refreshes_to_the_next_code(live_server, page, db, world, clock):
    staff = world.staff[COMMUNITY_STAFF]
    activity = create_activity(
        staff,
        world.home.id,
        title="十二月主题党日",
        venue="党群服务中心",
        starts_at=START + timedelta(hours=1),
        ends_at=START + timedelta(hours=3),
        capacity=30,
    )
    _db.session.commit()
    page.goto(f"{live_server}/admin/sign-in")
    fill_sign_in(page, staff.username, PASSWORD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    last_second = START + timedelta(seconds=WINDOW_SECONDS - 1)  # one second before the code changes
    clock.move_to(last_second)

    def is_code(response) -> bool:
        return response.url.split("?")[0].endswith(".png")

    with page.expect_response(is_code) as first:
        page.goto(f"{live_server}/admin/venue/party_activity/{activity.id}")  # waits for the first code
    next_window = START + timedelta(seconds=WINDOW_SECONDS)
    clock.move_to(next_window)  # the server's clock crosses into the next window as the page counts down
    assert first.value.body() == qr_png(venue_code("party_activity", activity.id, last_second), scale=12)
    expect(page.get_by_role("heading", name="党建活动签到")).to_be_visible()
    expect(page.get_by_text("十二月主题党日（党群服务中心）")).to_be_visible()

    with page.expect_response(is_code) as second:  # about a second later, without a reload of the page
        expect(page.locator("#venue-code")).to_have_attribute("src", re.compile(r"\?t="))  # (CSP: no eval)
    assert second.value.body() == qr_png(venue_code("party_activity", activity.id, next_window), scale=12)
    assert second.value.body() != first.value.body()
    assert int(page.locator("#venue-countdown").inner_text()) > 1  # counting down the next window
