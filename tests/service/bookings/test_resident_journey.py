"""The 服务云 journey end to end: a resident finds a guide by searching in Chinese, books its service,
gets the reminder through WeChat (the stand-in's record), and is checked in by staff scanning the
booking QR; a booking nobody came for becomes a no-show when the clock passes its slot."""

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.service.bookings.models import Booking
from cloudplatform.service.guides.operations import create_guide
from tests.service.bookings.fixtures import MONDAY, START, make_service, resident_of
from tests.world import log_in

JOB = {job.id: job for job in JOBS}
TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def elderly_card(world):
    service = make_service(world, name="老年证办理")
    create_guide(
        world.staff[COMMUNITY_STAFF],
        world.home.id,
        category="老龄服务",
        title="老年证办理",
        purpose="为年满60周岁老年人办理老年优待证",
        materials=["身份证", "户口簿", "一寸照片"],
        bookable_id=service.id,
    )
    _db.session.commit()
    return service


def find_and_book(client, headers):
    found = client.get("/api/v1/services/guides", query_string={"q": "老年证"}).json["items"]
    guide = client.get(f"/api/v1/services/guides/{found[0]['id']}").json
    bookable_id = guide["bookable"]["id"]
    slots = client.get(
        f"/api/v1/services/bookables/{bookable_id}/slots?date={TUESDAY}", headers=headers
    ).json["items"]
    first_free = next(s for s in slots if s["free"] > 0)
    response = client.post("/api/v1/services/bookings", json={"slot_id": first_free["id"]}, headers=headers)
    assert response.status_code == 201
    return response.json


def test_resident_finds_books_is_reminded_and_checked_in(app, client, world, elderly_card, standin, clock):
    resident_of(world.home, "grandma")
    headers = log_in(client, "grandma")
    client.post("/api/v1/me/subscriptions", json={"template_keys": ["booking_reminder"]}, headers=headers)
    booking = find_and_book(client, headers)

    run_job(app, JOB["send_booking_reminders"])
    run_job(app, JOB["deliver_outbox"])
    messages = requests.get(standin + "_standin/messages", timeout=5).json()["items"]
    assert [m["data"]["thing1"]["value"] for m in messages] == ["老年证办理"]

    qr = client.get(f"/api/v1/services/bookings/{booking['id']}/qr.png", headers=headers)
    assert qr.data.startswith(b"\x89PNG")
    clock.move_to(START + timedelta(days=1, minutes=45))  # Tuesday 08:45, a quarter before the slot
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    checked = client.post(
        "/api/v1/staff/bookings/check-in", json={"qr_token": booking["qr_token"]}, headers=staff
    )
    assert checked.json["status"] == "checked_in"


def test_booking_nobody_came_for_becomes_a_no_show(app, client, world, elderly_card, clock):
    resident_of(world.home, "grandpa")
    booking = find_and_book(client, log_in(client, "grandpa"))
    clock.move_to(START + timedelta(days=1, hours=4))  # Tuesday noon: the morning's slots are over
    assert run_job(app, JOB["mark_no_shows"])["no_shows"] == 1
    _db.session.commit()
    assert _db.session.scalar(select(Booking.status).where(Booking.id == booking["id"])) == "no_show"
