"""Under the Content-Security-Policy (cloudplatform/headers.py) in headless Chromium: the API docs page
shows the operations, the console's scripts (run from files) still ask before a withdrawal, and a page
with an inline script would be caught by the browser fixtures' watch."""

import pytest
from playwright.sync_api import expect

from cloudplatform.identity.models import COMMUNITY_ADMIN
from cloudplatform.service.notices.models import Notice
from tests.browser.fixtures import csp_refusals
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TITLE = "关于小区消防演练的通知"


def test_the_docs_page_shows_the_operations(live_server, page):
    page.goto(f"{live_server}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("宝鸡社区云平台 API")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/auth/login").first).to_be_visible()


def test_withdrawing_a_notice_asks_first(live_server, page, db, world):
    page.goto(f"{live_server}/admin/sign-in")
    fill_sign_in(page, world.staff[COMMUNITY_ADMIN].username, PASSWORD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    page.goto(f"{live_server}/admin/notices/new")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("正文").fill("本周五 15:00 在小区广场进行消防演练。")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("alert")).to_have_text(f"已发布通知“{TITLE}”")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="撤回").click()
    expect(page.get_by_role("button", name="撤回")).to_be_visible()
    assert asked == ["撤回后居民将看不到这条通知，确定撤回吗？"]
    db.session.commit()
    assert db.session.scalar(db.select(Notice)).withdrawn_at is None

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤回").click()
    expect(page.get_by_role("alert")).to_have_text(f"已撤回通知“{TITLE}”")
    db.session.commit()
    assert db.session.scalar(db.select(Notice)).withdrawn_at is not None


def test_an_inline_script_would_be_caught(app, live_server, browser):
    @app.get("/test/inline-script")
    def inline_script():
        return "<!doctype html><p id=p>before</p><script>document.getElementById('p').remove()</script>"

    context = browser.new_context()
    refused = csp_refusals(context)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/test/inline-script")
        expect(page.locator("#p")).to_have_text("before")
    finally:
        context.close()
    assert len(refused) == 1 and "inline script" in refused[0]
