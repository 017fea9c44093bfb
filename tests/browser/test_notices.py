"""通知公告 in headless Chromium: a community admin publishes a notice and finds it in the list."""

import re

import pytest
from playwright.sync_api import expect

from cloudplatform.identity.models import COMMUNITY_ADMIN
from cloudplatform.service.notices.models import Notice
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TITLE = "关于火炬路片区临时停水的通知"


def test_community_admin_publishes_a_notice_and_sees_it_unread(live_server, page, db, world, tmp_path):
    page.goto(f"{live_server}/admin/sign-in")
    fill_sign_in(page, world.staff[COMMUNITY_ADMIN].username, PASSWORD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    page.goto(f"{live_server}/admin/notices")
    page.get_by_role("link", name="发布通知").click()
    expect(page.get_by_role("heading", name=re.compile("发布通知"))).to_be_visible()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("正文").fill("因市政管网改造，本周六 8:00 至 18:00 停水，请提前储水。")
    page.get_by_label("置顶").check()
    page.screenshot(path=tmp_path / "notice-new.png", full_page=True)
    page.get_by_role("button", name="发布").click()

    expect(page.get_by_role("alert")).to_have_text(f"已发布通知“{TITLE}”")
    expect(page).to_have_url(f"{live_server}/admin/notices")
    db.session.commit()
    notice = db.session.scalar(db.select(Notice))
    row = page.locator(f'tr[data-notice="{notice.id}"]')
    expect(row).to_contain_text("置顶")
    expect(row).to_contain_text("已发布")
    row.get_by_role("link", name=TITLE).click()

    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator('[data-stat="read_count"]')).to_have_text("0")
    page.screenshot(path=tmp_path / "notice-detail.png", full_page=True)
