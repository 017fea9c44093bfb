"""The staff console driven in headless Chromium, as a person would use it."""

import re

import pytest
from playwright.sync_api import Page, expect

from cloudplatform.audit.models import AuditEntry
from cloudplatform.identity.models import (
    APPROVED,
    COMMUNITY_ADMIN,
    RESIDENT,
    Membership,
    ResidencyRequest,
    StaffAccount,
)
from tests.admin.console import residency_request
from tests.factories import PASSWORD, CommunityFactory, StaffAccountFactory

pytestmark = pytest.mark.browser

SIGN_IN_HEADING = "工作人员登录"


def fill_sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def expect_sign_in_page(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/admin/sign-in(\?|$)"))
    expect(page.get_by_role("heading", name=SIGN_IN_HEADING)).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_have_count(0)


def count_rows(db, model) -> int:
    db.session.commit()  # end any open transaction: see what the server's requests committed
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_signed_out_visit_to_console_lands_on_sign_in_page(live_server, page):
    page.goto(f"{live_server}/admin/")

    expect_sign_in_page(page)
    expect(page).to_have_title(re.compile("登录"))


def test_wrong_password_shows_error_and_stays_signed_out(live_server, page):
    account = StaffAccountFactory()
    page.goto(f"{live_server}/admin/")

    fill_sign_in(page, account.username, "not-the-password")

    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    expect_sign_in_page(page)
    page.goto(f"{live_server}/admin/")
    expect_sign_in_page(page)


def test_right_password_reaches_dashboard_with_real_counts(live_server, page, db, tmp_path):
    accounts = StaffAccountFactory.create_batch(3)
    CommunityFactory.create_batch(2)
    assert count_rows(db, AuditEntry) == 0
    page.goto(f"{live_server}/admin/")

    fill_sign_in(page, accounts[0].username, PASSWORD)

    expect(page).to_have_url(f"{live_server}/admin/")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_text(accounts[0].display_name)).to_be_visible()
    assert count_rows(db, StaffAccount) == 3
    assert count_rows(db, AuditEntry) == 1  # the sign-in
    expect(page.locator('[data-count="社区"]')).to_have_text("2")
    expect(page.locator('[data-count="工作人员账号"]')).to_have_text("3")
    expect(page.locator('[data-count="待审核居民认证"]')).to_have_text("0")
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)


def test_sign_out_returns_to_sign_in_and_console_requires_sign_in_again(live_server, page):
    account = StaffAccountFactory()
    page.goto(f"{live_server}/admin/sign-in")
    fill_sign_in(page, account.username, PASSWORD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    page.get_by_role("button", name="退出").click()

    expect_sign_in_page(page)
    expect(page.get_by_role("alert")).to_have_text("已退出登录")
    page.goto(f"{live_server}/admin/")
    expect_sign_in_page(page)


def test_community_admin_approves_a_pending_request(live_server, page, db, world, tmp_path):
    request = residency_request(world, world.home, real_name="张秀兰", room="2单元301")
    page.goto(f"{live_server}/admin/")
    fill_sign_in(page, world.staff[COMMUNITY_ADMIN].username, PASSWORD)
    expect(page.get_by_text("社区管理员", exact=True)).to_be_visible()

    page.get_by_role("link", name="居民认证", exact=True).click()  # the header's, not the card's
    row = page.locator(f'tr[data-request="{request.id}"]')
    expect(row).to_contain_text("张**")
    row.get_by_role("link", name="审核").click()
    expect(page.get_by_role("heading", name=f"居民认证申请 {request.id}")).to_be_visible()
    expect(page.locator('[data-field="real_name"]')).to_have_text("张秀兰")
    page.screenshot(path=tmp_path / "residency-detail.png", full_page=True)
    page.get_by_role("button", name="通过").click()

    expect(page.get_by_role("alert")).to_have_text("已通过 张** 的居民认证申请")
    expect(page).to_have_url(f"{live_server}/admin/residency")
    expect(page.locator(f'tr[data-request="{request.id}"]')).to_have_count(0)
    db.session.commit()
    assert db.session.get(ResidencyRequest, request.id).status == APPROVED
    assert (
        db.session.scalar(db.select(Membership.role).where(Membership.user_id == request.user_id)) == RESIDENT
    )
