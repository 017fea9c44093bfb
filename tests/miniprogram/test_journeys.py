"""Journeys through the mini-program client's H5 build in headless Chromium, against a live server."""

from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.identity.models import GRID_WORKER, Building
from tests.factories import StaffAccountFactory
from tests.miniprogram.helpers import log_in
from tests.service.bookings.fixtures import MONDAY, make_service, resident_of, slot_at
from tests.world import log_in as api_log_in
from tests.world import wechat_user

pytestmark = pytest.mark.browser

MONDAY_0845 = datetime(2026, 12, 7, 8, 45, tzinfo=LOCAL_TZ)  # check-in for the 9:00 slot opened at 8:30


def test_a_newcomer_binds_a_phone_asks_for_residency_and_a_grid_worker_approves_it(
    live_server, phone, db, world, tmp_path
):
    home = world.home
    building = db.session.get(Building, world.buildings[home.id])
    StaffAccountFactory(
        role=GRID_WORKER, user_id=wechat_user("wangwei").id, username="wangwei", community_id=home.id
    )
    db.session.commit()

    resident = phone()
    log_in(resident, live_server, "newcomer")
    expect(resident.get_by_text("您还没有加入社区")).to_be_visible()
    resident.locator("[data-test=phone-code] input").fill("phone:13800001234")
    resident.locator("[data-test=bind-phone]").click()
    expect(resident.locator("[data-test=phone]")).to_have_text("138****1234")
    resident.locator("[data-test=ask-residency]").click()
    resident.locator("[data-test=community-filter] input").fill(home.name)
    resident.locator("[data-test=community-option]", has_text=home.name).click()
    resident.locator("[data-test=building-option]", has_text=building.name).click()
    resident.locator("[data-test=room] input").fill("3单元502")
    resident.locator("[data-test=real-name] input").fill("刘洋")
    resident.locator("[data-test=submit-residency]").click()
    mine = resident.locator("[data-test=my-requests]")
    expect(mine).to_contain_text(f"{home.name} · {building.name} 3单元502")
    expect(mine).to_contain_text("待审核")
    expect(resident.locator("[data-test=residency-pending]")).to_be_visible()  # no second request meanwhile
    resident.screenshot(path=tmp_path / "residency-asked.png", full_page=True)

    worker = phone()
    log_in(worker, live_server, "wangwei")
    worker.get_by_text("网格员工作台").click()
    request = worker.locator("[data-test=residency-request]", has_text="刘*")
    expect(request).to_contain_text(f"{building.name} 3单元502")
    request.locator("[data-test=approve]").click()
    expect(request).to_contain_text("已通过")
    worker.screenshot(path=tmp_path / "residency-approved.png", full_page=True)

    resident.goto(f"{live_server}/m/#/pages/index/index")
    expect(resident.locator("[data-test=my-communities]")).to_contain_text(home.name)
    expect(resident.locator("[data-test=my-communities]")).to_contain_text("居民")


def test_a_grid_worker_checks_a_resident_in_by_the_booking_qr(live_server, phone, client, world, tmp_path):
    with time_machine.travel(MONDAY_0845, tick=False):
        service = make_service(world, min_notice_hours=0)
        resident_of(world.home, "resident")
        slot = slot_at(service, MONDAY, 9)
        booked = client.post(
            "/api/v1/services/bookings", json={"slot_id": slot.id}, headers=api_log_in(client, "resident")
        )
        assert booked.status_code == 201, booked.json

        worker = phone()
        log_in(worker, live_server, "staff-grid_worker")
        worker.get_by_text("网格员工作台").click()
        worker.locator("[data-test=qr-token] input").fill(booked.json["qr_token"])
        worker.locator("[data-test=check-in]").click()
        checked_in = worker.locator("[data-test=checked-in]")
        expect(checked_in).to_contain_text("证明开具")
        expect(checked_in).to_contain_text("已核销")
        worker.screenshot(path=tmp_path / "checked-in.png", full_page=True)

        worker.locator("[data-test=qr-token] input").fill(booked.json["qr_token"])
        worker.locator("[data-test=check-in]").click()
        expect(worker.locator("[data-test=check-in-card] .error")).not_to_be_empty()
