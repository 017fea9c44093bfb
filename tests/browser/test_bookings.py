"""预约日程 in headless Chromium: the counter checks a resident in (核销).

time_machine moves the clock of the whole process, so the live server's thread sees it too.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.identity.models import COMMUNITY_STAFF
from cloudplatform.service.bookings.models import CHECKED_IN, Booking
from cloudplatform.service.bookings.operations import book_slot
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD
from tests.service.bookings.fixtures import MONDAY, START, make_service, resident_of, slot_at

pytestmark = pytest.mark.browser

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_counter_checks_in_todays_booking(live_server, page, db, world, clock, tmp_path):
    service = make_service(world)  # 证明开具, weekdays 9:00-12:00
    resident = resident_of(world.home, "王小明")
    booking_id = book_slot(resident, slot_at(service, TUESDAY, 9).id).id
    db.session.commit()
    clock.move_to(datetime(2026, 12, 8, 8, 45, tzinfo=LOCAL_TZ))  # Tuesday, a quarter before the slot

    page.goto(f"{live_server}/admin/sign-in?next=/admin/bookings/day")
    fill_sign_in(page, world.staff[COMMUNITY_STAFF].username, PASSWORD)

    expect(page.get_by_role("heading", name="预约日程")).to_be_visible()
    expect(page.get_by_text(f"{service.name} · {world.home.name} · 2026-12-08（今天）")).to_be_visible()
    booking = page.locator(f'[data-booking="{booking_id}"]')
    expect(booking.locator('[data-field="resident"]')).to_have_text("王**")
    expect(booking.locator('[data-field="status"]')).to_have_text("已预约")
    page.screenshot(path=tmp_path / "booking-day.png", full_page=True)

    booking.get_by_role("button", name="核销").click()

    expect(page.get_by_role("alert")).to_have_text(f"已核销：王** 12月08日 09:00 {service.name}")
    expect(booking.locator('[data-field="status"]')).to_have_text("已核销")
    expect(booking.get_by_role("button", name="核销")).to_have_count(0)
    db.session.commit()  # end the test's transaction: see what the server's request committed
    assert db.session.get(Booking, booking_id).status == CHECKED_IN
