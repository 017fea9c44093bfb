"""The console's frame in headless Chromium: the grouped sidebar at desktop and phone widths, and
passwords (changing one's own; the change a reset forces)."""

import re

import pytest
from playwright.sync_api import Page, expect

from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_ADMIN, GRID_WORKER
from tests.browser.fixtures import csp_refusals
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "my-own-password-27"
TEMPORARY = "temporary-pass-1"
SERVICE_CLOUD = ["通知公告", "办事指南", "预约事项", "预约日程", "预约暂停"]


@pytest.fixture
def open_page(browser):
    """A fresh browser context of the given viewport per call, all closed afterwards."""
    contexts = []

    def open_at(viewport) -> Page:
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        refused.append(csp_refusals(context))
        return context.new_page()

    refused: list[list[str]] = []
    yield open_at
    for context in contexts:
        context.close()
    assert refused == [[]] * len(refused)


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/admin/sign-in")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()


def sidebar(page: Page):
    return page.get_by_role("navigation", name="主导航")


def test_desktop_sidebar_shows_the_groups_and_marks_the_current_page(live_server, open_page, world):
    page = open_page(DESKTOP)
    sign_in(page, live_server, world.staff[CITY_ADMIN].username)

    nav = sidebar(page)
    expect(page.get_by_role("button", name="菜单")).to_be_hidden()
    expect(nav.get_by_role("heading", name="服务云")).to_be_visible()
    expect(nav.get_by_role("heading", name="居民 / 系统")).to_be_visible()
    for label in ["工作台", *SERVICE_CLOUD, "居民认证", "工作人员", "消息发送", "审计日志"]:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    nav.get_by_role("link", name="预约事项").click()
    expect(page).to_have_url(re.compile(r"/admin/bookables$"))
    expect(nav.get_by_role("link", name="预约事项")).to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current=page]")).to_have_count(1)


def test_sidebar_sits_beside_the_page_at_desktop_width(live_server, open_page, world):
    page = open_page(DESKTOP)
    sign_in(page, live_server, world.staff[CITY_ADMIN].username)

    nav_box = sidebar(page).bounding_box()
    main_box = page.locator("main").bounding_box()
    assert nav_box["x"] + nav_box["width"] <= main_box["x"]


def test_phone_menu_opens_with_the_roles_pages(live_server, open_page, world):
    page = open_page(PHONE)
    sign_in(page, live_server, world.staff[GRID_WORKER].username)

    menu = page.get_by_role("button", name="菜单")
    nav = sidebar(page)
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for label in ["工作台", "预约日程", "居民认证"]:
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("link", name="工作人员")).to_have_count(0)
    expect(nav.get_by_role("link", name="通知公告")).to_have_count(0)
    nav.get_by_role("link", name="居民认证").click()
    expect(page).to_have_url(re.compile(r"/admin/residency$"))
    expect(nav).to_be_hidden()  # a new page starts with the menu closed


def test_phone_page_does_not_scroll_sideways(live_server, open_page, world):
    page = open_page(PHONE)
    sign_in(page, live_server, world.staff[CITY_ADMIN].username)
    page.get_by_role("button", name="菜单").click()

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_password_change_then_sign_in_with_the_new_one(live_server, open_page, world):
    page = open_page(DESKTOP)
    username = world.staff[GRID_WORKER].username
    sign_in(page, live_server, username)

    page.get_by_role("link", name="修改密码").click()
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_role("alert")).to_have_text("密码已修改，下次登录请使用新密码")
    sign_out(page)

    sign_in(page, live_server, username, PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    sign_in(page, live_server, username, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_reset_password_must_be_changed_at_next_sign_in(live_server, open_page, world):
    worker = world.staff[GRID_WORKER]
    admin = open_page(DESKTOP)
    sign_in(admin, live_server, world.staff[COMMUNITY_ADMIN].username)
    admin.goto(f"{live_server}/admin/staff")
    admin.locator(f'tr[data-account="{worker.username}"]').get_by_role("link", name="重置密码").click()
    admin.get_by_label("临时密码").fill(TEMPORARY)
    admin.get_by_role("button", name="重置密码").click()
    expect(admin.get_by_role("alert")).to_contain_text(f"已重置账号 {worker.username} 的密码")

    page = open_page(PHONE)
    sign_in(page, live_server, worker.username, TEMPORARY)
    expect(page).to_have_url(re.compile(r"/admin/account/password$"))
    expect(page.get_by_role("alert")).to_have_text("管理员已重置你的密码，请先设置新密码")
    expect(page.get_by_role("button", name="菜单")).to_have_count(0)
    page.goto(f"{live_server}/admin/residency")
    expect(page).to_have_url(re.compile(r"/admin/account/password$"))

    page.get_by_label("当前密码").fill(TEMPORARY)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.wait_for_load_state()  # the menu opens once console.js has run
    page.get_by_role("button", name="菜单").click()
    sidebar(page).get_by_role("link", name="居民认证").click()
    expect(page).to_have_url(re.compile(r"/admin/residency$"))
