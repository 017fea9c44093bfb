"""困难救助 in headless Chromium: a grid worker finds a new case in the review queue (the applicant masked,
the ID number nowhere), opens the full record (the ID number whole, the material shown, what is
missing), asks for every missing material at once, and accepts the case once the applicant has
completed it.

time_machine moves the clock of the whole process, so the live server's thread sees it too.
"""

import pytest
import time_machine
from playwright.sync_api import expect

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import INCOMPLETE, REVIEW, AidApplication
from tests.admin.aid.cases import audit_rows, case_in, status_of
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD
from tests.service.aid.fixtures import ID_NUMBER, START, upload_for

pytestmark = pytest.mark.browser


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_a_worker_reviews_a_case_asks_for_materials_then_accepts_it(
    live_server, page, db, world, clock, tmp_path
):
    case = case_in(world)
    page.goto(f"{live_server}/admin/sign-in?next=/admin/aid/applications")
    fill_sign_in(page, world.staff[GRID_WORKER].username, PASSWORD)

    expect(page.get_by_role("heading", name="救助审核")).to_be_visible()
    expect(page.locator('[data-count="submitted"]')).to_have_text("1")
    row = page.locator(f'[data-application="{case.id}"]')
    expect(row.locator('[data-field="name"]')).to_have_text("李**")
    expect(row.locator('[data-field="id_number"]')).to_have_text("6103**********1232")
    expect(row.locator('[data-field="clock"]')).to_contain_text("剩 15 个工作日")
    assert ID_NUMBER not in page.content()
    page.screenshot(path=tmp_path / "aid-queue.png", full_page=True)
    row.get_by_role("link", name="办理").click()

    expect(page.locator('[data-field="id_number"]')).to_have_text(ID_NUMBER)  # the reviewer sees it whole
    expect(page.locator('[data-material="身份证"] [data-state="have"]')).to_be_visible()
    expect(page.locator('[data-material="诊断证明"] [data-state="missing"]')).to_be_visible()
    image = page.get_by_role("img", name="身份证：身份证.png")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")  # served to the reviewer
    page.screenshot(path=tmp_path / "aid-record.png", full_page=True)
    assert len(audit_rows("aid_application.view")) == 1

    materials = page.locator('[data-form="request_materials"]')
    materials.get_by_label("户口簿").check()
    materials.get_by_label("诊断证明").check()
    materials.get_by_label("其他需补正的材料（多项用顿号分隔）").fill("病历")
    materials.get_by_role("button", name="要求补正").click()
    expect(page.get_by_role("alert")).to_have_text("已通知 李** 补正材料")
    expect(page.locator("h2 [data-field=status]")).to_have_text("待补正材料")
    expect(page.locator('[data-field="missing"]')).to_have_text("已要求补正：户口簿、诊断证明、病历")
    assert status_of(case.id) == INCOMPLETE

    stored = _db.session.get(AidApplication, case.id)
    aid.resubmit(stored.applicant, stored, [(upload_for(stored.applicant, "户口簿.png"), "户口簿")])
    _db.session.commit()
    page.reload()
    expect(page.locator("h2 [data-field=status]")).to_have_text("待受理")
    expect(page.locator('[data-material="户口簿"] [data-state="have"]')).to_be_visible()
    page.locator('[data-form="accept"]').get_by_role("button", name="受理").click()
    expect(page.get_by_role("alert")).to_have_text("已受理 李** 的救助申请")
    expect(page.locator("h2 [data-field=status]")).to_have_text("社区审核")
    expect(page.locator('[data-step="accept"]')).to_contain_text("社区受理")
    page.screenshot(path=tmp_path / "aid-accepted.png", full_page=True)
    assert status_of(case.id) == REVIEW
