"""Lists and pickers in headless Chromium: a search with its total and pages, choosing a WeChat user and a
community by typing part of a name, as a community worker and a city admin would."""

import re

import pytest
from playwright.sync_api import Page, expect

from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_ADMIN, COMMUNITY_STAFF, StaffAccount
from tests.admin.console import member
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD, ResidencyRequestFactory, StaffAccountFactory, UserFactory

pytestmark = pytest.mark.browser


def sign_in(page: Page, live_server: str, account: StaffAccount, path: str) -> None:
    page.goto(f"{live_server}{path}")
    fill_sign_in(page, account.username, PASSWORD)
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def ask(world, community, real_name: str) -> None:
    ResidencyRequestFactory(
        user_id=UserFactory().id,
        community_id=community.id,
        building_id=world.buildings[community.id],
        real_name=real_name,
    )


def test_a_search_narrows_the_residency_list_and_the_total_and_pages_follow(live_server, page, world, db):
    for _ in range(51):
        ask(world, world.home, "张秀兰")
    ask(world, world.home, "欧阳娜娜")
    ask(world, world.elsewhere, "欧阳修")  # another street's: never counted here
    db.session.commit()
    sign_in(page, live_server, world.staff[COMMUNITY_ADMIN], "/admin/residency")

    pager = page.get_by_role("navigation", name="分页")
    expect(pager).to_contain_text("共 52 条，第 1–50 条")
    expect(page.locator("tbody tr")).to_have_count(50)
    pager.get_by_role("link", name="下一页").click()
    expect(pager).to_contain_text("第 51–52 条")
    expect(page.locator("tbody tr")).to_have_count(2)
    pager.get_by_role("link", name="上一页").click()
    expect(pager).to_contain_text("第 1–50 条")

    page.get_by_role("searchbox", name="按姓名、楼栋或房号搜索").fill("欧阳")
    page.get_by_role("button", name="搜索").click()
    expect(pager).to_contain_text("共 1 条")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("欧***")  # masked as everywhere in lists
    expect(pager.get_by_role("link", name="下一页")).to_have_count(0)

    page.get_by_role("link", name="清除条件").click()
    expect(pager).to_contain_text("共 52 条")


def test_a_staff_account_is_linked_to_a_resident_chosen_by_typing_part_of_the_name(
    live_server, page, world, db
):
    resident = member(world.home, user=UserFactory(nickname="孙悟空", phone="13912345678"))
    member(world.elsewhere, user=UserFactory(nickname="孙悟饭"))  # out of scope: never offered
    account = StaffAccountFactory(role=COMMUNITY_STAFF, community_id=world.home.id, username="new_clerk")
    sign_in(page, live_server, world.staff[COMMUNITY_ADMIN], "/admin/staff")

    row = page.locator('tr[data-account="new_clerk"]')
    search = row.get_by_role("combobox", name="new_clerk 的微信用户")
    search.fill("孙悟")
    options = row.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("孙**")
    expect(options.first).to_contain_text("139****5678")
    options.first.click()
    expect(search).to_have_value(re.compile("^孙\\*\\*"))
    row.get_by_role("button", name="关联").click()

    expect(page.get_by_role("alert")).to_contain_text("已将账号 new_clerk 关联到微信用户 孙**")
    expect(page.locator('tr[data-account="new_clerk"]')).to_contain_text("孙**")
    db.session.expire_all()
    assert db.session.get(StaffAccount, account.id).user_id == resident.id


def test_a_link_without_choosing_a_match_is_not_sent(live_server, page, world, db):
    account = StaffAccountFactory(role=COMMUNITY_STAFF, community_id=world.home.id, username="new_clerk")
    sign_in(page, live_server, world.staff[COMMUNITY_ADMIN], "/admin/staff")

    row = page.locator('tr[data-account="new_clerk"]')
    row.get_by_role("combobox", name="new_clerk 的微信用户").fill("没有这个人")
    expect(row.get_by_role("listbox")).to_contain_text("没有匹配的结果")
    row.get_by_role("button", name="关联").click()

    expect(page.get_by_role("alert")).to_have_count(0)  # the browser asked to choose; nothing posted
    db.session.expire_all()
    assert db.session.get(StaffAccount, account.id).user_id is None


def test_a_city_admin_picks_the_community_of_a_notice_with_the_keyboard(live_server, page, world, db):
    world.neighbour.name = "渭工路社区"
    db.session.commit()
    sign_in(page, live_server, world.staff[CITY_ADMIN], "/admin/notices/new")

    search = page.get_by_role("combobox", name="社区")
    search.fill("渭工")
    expect(page.get_by_role("listbox", name="社区的候选").get_by_role("option")).to_have_count(1)
    search.press("ArrowDown")
    search.press("Enter")
    expect(search).to_have_value(re.compile(f"^{world.neighbour.name}（"))
    page.get_by_role("button", name="下一步").click()

    expect(page).to_have_url(re.compile(f"community_id={world.neighbour.id}"))
    expect(page.get_by_role("heading", name=f"发布通知 · {world.neighbour.name}")).to_be_visible()
