"""群众点单 in headless Chromium: a community worker finds a new demand in the 群众点单 column of the board
(the resident masked), opens it and dispatches it to the organisation serving the community with its
四公开 facts; then answers a resident's message from 留言信箱, once.

time_machine moves the clock of the whole process, so the live server's thread sees it too.
"""

import pytest
import time_machine
from playwright.sync_api import expect

from cloudplatform.identity.models import COMMUNITY_STAFF
from cloudplatform.service.demands.models import DISPATCHED
from cloudplatform.service.messages.models import REPLIED
from tests.admin.demands.cases import demand_at, message_in, message_of, organisation_for, status_of
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD
from tests.service.demands.fixtures import START

pytestmark = pytest.mark.browser


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_a_worker_dispatches_a_demand_from_the_board_then_answers_a_message(
    live_server, page, db, world, clock, tmp_path
):
    demand = demand_at(world)
    organisation_for(world)
    message = message_in(world, content="小区东门路灯坏了好几天了")
    page.goto(f"{live_server}/admin/sign-in?next=/admin/demands")
    fill_sign_in(page, world.staff[COMMUNITY_STAFF].username, PASSWORD)

    expect(page.get_by_role("heading", name="诉求看板")).to_be_visible()
    expect(page.locator('[data-count="submitted"]')).to_have_text("1")
    column = page.locator('[data-column="submitted"]')
    card = column.locator(f'[data-demand="{demand.id}"]')
    expect(card).to_contain_text("楼道扶手松动")
    expect(card).to_contain_text("周*")
    page.screenshot(path=tmp_path / "demand-board.png", full_page=True)
    card.click()

    expect(page.locator("h2 [data-field=status]")).to_have_text("待下单")
    expect(page.locator('[data-field="resident"]')).to_contain_text("周*")
    dispatch = page.locator('[data-form="dispatch"]')
    dispatch.get_by_label("承办组织").select_option(label="火炬路为老服务中心")
    dispatch.get_by_label("办理期限").fill("2026-12-20")
    dispatch.get_by_label("资金来源").fill("社区党组织服务群众经费")
    dispatch.get_by_label("责任党员").fill("李建国")
    dispatch.get_by_role("button", name="下单").click()
    expect(page.get_by_role("alert")).to_have_text("诉求“楼道扶手松动”已下单")
    expect(page.locator("h2 [data-field=status]")).to_have_text("待接单")
    expect(page.locator("h2 [data-field=stage]")).to_have_text("社区下单")
    expect(page.locator('[data-field="organisation"]')).to_have_text("火炬路为老服务中心")
    expect(page.locator('[data-step="dispatch"]')).to_contain_text("社区下单")
    page.screenshot(path=tmp_path / "demand-dispatched.png", full_page=True)
    assert status_of(demand.id) == DISPATCHED

    page.get_by_role("link", name="留言信箱").click()
    expect(page.locator('[data-count="waiting"]')).to_have_text("1")
    page.locator(f'[data-message="{message.id}"]').get_by_role("link", name="回复").click()
    expect(page.locator('[data-field="content"]')).to_have_text("小区东门路灯坏了好几天了")
    page.locator('[data-form="reply"]').get_by_label("回复").fill("已联系物业，本周内修好")
    page.locator('[data-form="reply"]').get_by_role("button", name="回复").click()
    expect(page.get_by_role("alert")).to_have_text("已回复，留言人将收到通知")
    expect(page.locator("h2 [data-field=status]")).to_have_text("已回复")
    expect(page.locator('[data-field="reply"]')).to_have_text("已联系物业，本周内修好")
    expect(page.locator('[data-form="reply"]')).to_have_count(0)  # answered once
    page.screenshot(path=tmp_path / "message-replied.png", full_page=True)
    assert message_of(message.id).status == REPLIED
