"""爱心超市 in headless Chromium: a community admin puts a donated reward on the shelf with the form and sees
it listed with its stock; a volunteer redeems it at the counter; a grid worker at the counter types the
token the volunteer's QR code carries into 兑换核销 (a scanner types it the same way), and the redemption
is handed over (核销) and leaves the waiting queue."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, GRID_WORKER, User
from cloudplatform.volunteer.models import FULFILLED, Redemption, Reward
from cloudplatform.volunteer.rewards.operations import redeem, redemption_token
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD
from tests.volunteer.reward_fixtures import rich_volunteer, stock_of

pytestmark = pytest.mark.browser


def sign_out(page, live_server):
    page.context.clear_cookies()
    page.goto(f"{live_server}/admin/sign-in")


def test_an_admin_shelves_a_reward_and_a_worker_hands_a_redemption_over_by_its_token(
    live_server, page, db, world
):
    page.goto(f"{live_server}/admin/sign-in?next=/admin/volunteer/rewards")
    fill_sign_in(page, world.staff[COMMUNITY_ADMIN].username, PASSWORD)
    expect(page.get_by_role("heading", name="爱心超市")).to_be_visible()
    form = page.locator('[data-form="reward"]')
    form.get_by_label("物品名称").fill("保温杯")
    form.get_by_label("捐赠单位").fill("宝鸡高新区管委会")
    form.get_by_label("所需积分").fill("40")
    form.get_by_label("初始库存").fill("15")
    form.get_by_role("button", name="上架").click()
    expect(page.get_by_role("alert")).to_have_text("已上架 保温杯")
    reward = _db.session.scalar(sa.select(Reward).where(Reward.name == "保温杯"))
    row = page.locator(f'[data-reward="{reward.id}"]')
    expect(row.locator('[data-field="price"]')).to_have_text("40")
    expect(row.locator('[data-field="stock"]')).to_have_text("15")

    who = rich_volunteer(world, world.home, "周志远", points=100)
    redemption = redeem(_db.session.get(User, who.user_id), reward.id, "counter")
    _db.session.commit()
    token = redemption_token(redemption.id)
    assert stock_of(reward.id) == 14

    sign_out(page, live_server)
    page.goto(f"{live_server}/admin/sign-in?next=/admin/volunteer/redemptions")
    fill_sign_in(page, world.staff[GRID_WORKER].username, PASSWORD)
    expect(page.get_by_role("heading", name="兑换核销")).to_be_visible()
    waiting = page.locator(f'[data-redemption="{redemption.id}"]')
    expect(waiting.locator('[data-field="name"]')).to_have_text("周**")
    expect(waiting.locator('[data-field="reward"]')).to_have_text("保温杯")
    page.get_by_label("扫码核销").fill(token)
    page.get_by_label("扫码核销").press("Enter")
    expect(page.get_by_role("alert")).to_have_text("已核销：保温杯")
    expect(page.locator(f'[data-redemption="{redemption.id}"]')).to_have_count(0)
    _db.session.expire_all()
    assert _db.session.get(Redemption, redemption.id).status == FULFILLED

    page.get_by_label("扫码核销").fill(token)  # the same QR code again: once only
    page.get_by_label("扫码核销").press("Enter")
    expect(page.get_by_role("alert")).to_have_text("该兑换已领取或已取消")
