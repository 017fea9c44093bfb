"""Journeys through the mini-program's 我的云柜 and 困难救助 pages (H5 build, Chromium, live server)."""

import re

import pytest
from playwright.sync_api import expect

from cloudplatform.identity.models import GRID_WORKER
from cloudplatform.locker import operations
from tests.locker.core import make_cabinet, resident_of
from tests.miniprogram.helpers import log_in

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
