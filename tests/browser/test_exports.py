"""Exports in headless Chromium: the dashboard's chart shows; the unread list downloads as Excel."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cloudplatform.identity.models import COMMUNITY_ADMIN, RESIDENT
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD
from tests.service.notices.helpers import make_notice, person

pytestmark = pytest.mark.browser


def test_admin_sees_the_trend_and_downloads_the_unread_list(live_server, page, db, world, tmp_path):
    notice = make_notice(world.home, title="流感疫苗接种通知")
    person("李建国", world.home, RESIDENT, building_id=world.buildings[world.home.id], room="3单元502")
    page.goto(f"{live_server}/admin/sign-in")
    fill_sign_in(page, world.staff[COMMUNITY_ADMIN].username, PASSWORD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.locator('[data-chart="resident-trend"] svg')).to_be_visible()
    expect(page.locator('[data-chart="resident-trend"] g.point')).to_have_count(12)
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)

    page.goto(f"{live_server}/admin/notices/{notice.id}")
    expect(page.locator('[data-chart="read-rate"] g.bar')).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename == "未读名单-流感疫苗接种通知.xlsx"
    saved = tmp_path / "unread.xlsx"
    download.value.save_as(saved)
    rows = list(load_workbook(saved, read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == ("昵称", "楼栋", "房号")
    assert rows[1][0] == "李**" and rows[1][2] == "3单元502"
