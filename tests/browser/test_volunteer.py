"""志愿云 in headless Chromium: a worker opens a shift whose volunteers checked in by the venue code, confirms
one volunteer's hours on their row and the rest with 确认全部, and sees the minutes confirmed.

time_machine moves the clock of the whole process, so the live server's thread sees it too.
"""

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER
from cloudplatform.venue import venue_code
from cloudplatform.volunteer.attendance.operations import check_in
from cloudplatform.volunteer.models import ShiftSignup, Volunteer
from tests.browser.test_console import fill_sign_in
from tests.factories import PASSWORD
from tests.volunteer.fixtures import START, project, shift, signup, volunteer

pytestmark = pytest.mark.browser


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_a_worker_confirms_the_attendance_of_a_shift(live_server, page, db, world, clock, tmp_path):
    on = shift(project(world.home), starts_in=timedelta(minutes=10), hours=2)
    people = [volunteer(world.home, name) for name in ("李建国", "王芳", "赵强")]
    made = [signup(on, who) for who in people]
    for who in people:
        check_in(_db.session.get(Volunteer, who.id).user, venue_code("volunteer_shift", on.id))
    _db.session.commit()
    clock.move_to(START + timedelta(hours=3))  # the shift is over; nobody checked out

    page.goto(f"{live_server}/admin/sign-in?next=/admin/volunteer/shifts")
    fill_sign_in(page, world.staff[GRID_WORKER].username, PASSWORD)
    expect(page.get_by_role("heading", name="志愿班次")).to_be_visible()
    page.get_by_role("link", name="全部").click()
    row = page.locator(f'[data-shift="{on.id}"]')
    expect(row.locator('[data-field="checked_in"]')).to_have_text("3")
    row.get_by_role("link", name="名单与签到").click()

    expect(page.get_by_role("heading", name="四点半课堂")).to_be_visible()
    first = page.locator(f'[data-signup="{made[0].id}"]')
    expect(first.locator('[data-field="volunteer"]')).to_have_text("李**")
    expect(first.locator('[data-field="minutes"]')).to_have_text("未确认")
    first.get_by_role("button", name="确认").click()
    expect(page.get_by_role("alert")).to_have_text("已确认服务时长：李**")
    expect(first.locator('[data-field="minutes"]')).to_have_text("120 分钟")

    page.get_by_role("button", name="确认全部").click()
    expect(page.get_by_role("alert")).to_have_text("已确认 2 名签到志愿者的服务时长")
    for signed in made:
        expect(page.locator(f'[data-signup="{signed.id}"] [data-field="minutes"]')).to_have_text("120 分钟")
    expect(page.locator('[data-field="attendance"]')).to_have_text("已签到 3 人，已确认时长 3 人。")
    page.screenshot(path=tmp_path / "volunteer-shift.png", full_page=True)
    _db.session.commit()  # end the test's transaction: see what the server's requests committed
    assert {_db.session.get(ShiftSignup, s.id).minutes for s in made} == {120}
    assert {_db.session.get(Volunteer, v.id).confirmed_minutes for v in people} == {120}
