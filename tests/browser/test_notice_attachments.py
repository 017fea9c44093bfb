"""A notice's attachment in headless Chromium: uploaded on the form, downloaded from the notice's page."""

import re

import pytest
from playwright.sync_api import expect

from cloudplatform.identity.models import COMMUNITY_ADMIN
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD
from tests.service.uploads import files

pytestmark = pytest.mark.browser

TITLE = "关于燃气管道检修的通知"


def test_staff_upload_an_attachment_and_download_it(live_server, page, world, tmp_path):
    page.goto(f"{live_server}/admin/sign-in")
    fill_sign_in(page, world.staff[COMMUNITY_ADMIN].username, PASSWORD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    page.goto(f"{live_server}/admin/notices/new")
    expect(page.get_by_role("heading", name=re.compile("发布通知"))).to_be_visible()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("正文").fill("本周三 9:00 至 12:00 检修燃气管道，请关闭燃气阀门。")
    page.get_by_label(re.compile("上传附件")).set_input_files(
        [
            {"name": "检修通知.pdf", "mimeType": "application/pdf", "buffer": files.PDF},
            {"name": "检修范围.png", "mimeType": "image/png", "buffer": files.png()},
        ]
    )
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("alert")).to_have_text(f"已发布通知“{TITLE}”")

    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator("a[data-upload]")).to_have_count(2)
    with page.expect_download() as info:
        page.get_by_role("link", name="检修通知.pdf").click()
    download = info.value
    assert download.suggested_filename == "检修通知.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == files.PDF
