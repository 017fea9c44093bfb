"""Journeys through the mini-program's 我的云柜 and 困难救助 pages (H5 build, Chromium, live server)."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from cloudplatform.identity.models import GRID_WORKER
from cloudplatform.locker import operations
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import AidApplication
from tests.locker.core import make_cabinet, resident_of
from tests.miniprogram.helpers import log_in
from tests.service.aid.fixtures import ID_NUMBER, categories, png_bytes, resident_at

pytestmark = pytest.mark.browser


def test_a_resident_sees_the_pickup_code_and_qr_of_an_item_waiting_in_a_locker(
    live_server, phone, db, world, tmp_path
):
    cabinet, _, _ = make_cabinet(world.home, name="火炬路云柜")
    user = resident_of(world.home, "liming")
    issued = operations.deposit(world.staff[GRID_WORKER], cabinet.id, user.id, "S", "居住证明")
    db.session.commit()

    resident = phone()
    log_in(resident, live_server, "liming")
    resident.get_by_text("我的云柜").click()
    waiting = resident.locator("[data-test=waiting-item]", has_text="居住证明")
    expect(waiting).to_contain_text("火炬路云柜")
    expect(waiting.locator("[data-test=pickup-code]")).to_have_text(f"{issued.code[:4]} {issued.code[4:]}")
    waiting.locator("[data-test=show-qr]").click()
    expect(waiting.locator("[data-test=pickup-qr] img")).to_have_attribute(
        "src", re.compile(r"^data:image/png;base64,")
    )
    resident.screenshot(path=tmp_path / "locker-waiting.png", full_page=True)


def test_a_resident_applies_for_aid_with_a_material_and_follows_its_progress(
    live_server, phone, db, world, tmp_path
):
    temporary = categories()["temporary"]
    resident_at(world, "guifang")

    resident = phone()
    log_in(resident, live_server, "guifang")
    resident.get_by_text("困难救助").click()
    expect(resident.locator("[data-test=aid-category]", has_text="临时救助")).to_contain_text("身份证")
    resident.locator(f"[data-test=apply-{temporary.key}]").click()
    resident.locator("[data-test=aid-name] input").fill("李桂芳")
    resident.locator("[data-test=aid-id-number] input").fill(ID_NUMBER)
    resident.locator("[data-test=aid-phone] input").fill("13800001234")
    resident.locator("[data-test=aid-income] input").fill("1200")
    resident.locator("[data-test=aid-situation] textarea").fill("丈夫因病去世，独自抚养两个孩子")
    resident.locator("[data-test=aid-reason] textarea").fill("孩子住院，医疗费用无力承担")
    resident.locator("[data-test=aid-amount] input").fill("3000")
    with resident.expect_file_chooser() as chooser:
        resident.locator("[data-test=upload-身份证]").click()
    chooser.value.set_files(files=[{"name": "身份证.png", "mimeType": "image/png", "buffer": png_bytes()}])
    expect(resident.locator("[data-test=aid-materials]")).to_contain_text("已上传")
    resident.locator("[data-test=submit-aid]").click()

    expect(resident.locator("[data-test=aid-status]")).to_have_text("待受理")
    expect(resident.locator("[data-test=aid-timeline]")).to_contain_text("提交申请")
    application = db.session.scalars(sa.select(AidApplication)).one()
    assert application.amount_requested == 300000 and application.monthly_income == 120000
    assert [file.material for file in application.files] == ["身份证"]

    aid.accept(world.staff[GRID_WORKER], application, note="社区已受理，将进行审核")
    db.session.commit()
    resident.reload()
    expect(resident.locator("[data-test=aid-status]")).to_have_text("社区审核")
    expect(resident.locator("[data-test=aid-timeline]")).to_contain_text("社区已受理，将进行审核")
    resident.screenshot(path=tmp_path / "aid-progress.png", full_page=True)
