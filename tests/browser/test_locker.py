"""云柜 in headless Chromium: a worker deposits an item for a resident with the form (the cabinet from its
page, the resident chosen by typing part of her name) and sees the compartment turn occupied on the
cabinet's grid; the code is nowhere on the pages.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER, RESIDENT, Membership
from cloudplatform.locker.models import WAITING, Cabinet, Compartment, Deposit
from cloudplatform.locker.operations import codes_of
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD
from tests.world import wechat_user

pytestmark = pytest.mark.browser

LAYOUT = "S" * 12 + "M" * 8 + "L" * 4


def cabinet_of(community) -> Cabinet:
    cabinet = Cabinet(community_id=community.id, name="火炬路服务中心云柜", location="党群服务中心东侧")
    _db.session.add(cabinet)
    _db.session.flush()
    _db.session.add_all(
        Compartment(cabinet_id=cabinet.id, community_id=community.id, number=n, size=size)
        for n, size in enumerate(LAYOUT, 1)
    )
    _db.session.commit()
    return cabinet


def test_a_worker_deposits_an_item_and_sees_the_compartment_occupied(live_server, page, db, world, tmp_path):
    cabinet = cabinet_of(world.home)
    user = wechat_user("张秀兰")
    _db.session.add(Membership(user_id=user.id, community_id=world.home.id, role=RESIDENT))
    _db.session.commit()
    grid = f"{live_server}/admin/locker/cabinets/{cabinet.id}"
    page.goto(f"{live_server}/admin/sign-in?next=/admin/locker/cabinets/{cabinet.id}")
    fill_sign_in(page, world.staff[GRID_WORKER].username, PASSWORD)

    expect(page.get_by_role("heading", name="云柜 · 火炬路服务中心云柜")).to_be_visible()
    expect(page.locator('[data-state="free"][data-compartment]')).to_have_count(24)
    page.get_by_role("link", name="存件", exact=True).last.click()

    expect(page.get_by_role("heading", name="存件")).to_be_visible()
    # the cabinet the worker came from is chosen
    expect(page.get_by_role("combobox", name="云柜")).to_have_value(str(cabinet.id))
    search = page.get_by_role("combobox", name="收件居民")
    search.fill("张")
    option = page.get_by_role("listbox", name="收件居民的候选").get_by_role("option")
    expect(option).to_have_count(1)
    expect(option).to_contain_text("张**")
    option.click()
    page.get_by_label("格口大小").select_option("M")
    page.get_by_label("物品").fill("高龄津贴证明材料")
    page.screenshot(path=tmp_path / "locker-deposit-form.png", full_page=True)
    page.get_by_role("button", name="存件并通知居民").click()

    expect(page.get_by_role("heading", name="存件成功")).to_be_visible()
    expect(page.locator('[data-block="stored"]')).to_contain_text("已通过微信通知 张** 取件")
    _db.session.commit()  # end the test's transaction: see what the server's request committed
    made = _db.session.scalar(select(Deposit))
    assert (made.status, made.recipient_user_id, made.item) == (WAITING, user.id, "高龄津贴证明材料")
    code, token = codes_of(made)
    assert code not in page.content() and token not in page.content()

    page.get_by_role("link", name="查看格口").click()
    expect(page).to_have_url(grid)
    number = _db.session.get(Compartment, made.compartment_id).number
    cell = page.locator(f'[data-compartment="{number}"]')
    expect(cell).to_have_attribute("data-state", "occupied")
    expect(cell.locator('[data-field="item"]')).to_have_text("高龄津贴证明材料")
    expect(cell.locator('[data-field="recipient"]')).to_contain_text("张**")
    expect(page.locator('[data-state="free"][data-compartment]')).to_have_count(23)
    expect(page.locator('[data-legend="occupied"]')).to_have_text("占用 1")
    page.screenshot(path=tmp_path / "locker-grid.png", full_page=True)
    assert code not in page.content() and token not in page.content()
