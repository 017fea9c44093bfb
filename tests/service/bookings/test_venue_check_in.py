"""Residents check themselves in by scanning the code on the counter's screen; staff put it on a screen."""

from datetime import timedelta

from sqlalchemy import select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.service.bookings.models import Booking
from cloudplatform.venue import venue_code
from tests.admin.console import sign_in_as
from tests.service.bookings.fixtures import MONDAY, later, make_service, slot_at
from tests.world import log_in

TUESDAY = MONDAY + timedelta(days=1)
URL = "/api/v1/services/bookings/check-in"


def booked(client, service, resident):
    response = client.post(
        "/api/v1/services/bookings", json={"slot_id": slot_at(service, TUESDAY, 9).id}, headers=resident
    )
    assert response.status_code == 201
    return response.json["id"]


def status_of(booking_id):
    _db.session.commit()
    return _db.session.scalar(select(Booking.status).where(Booking.id == booking_id))


def test_scanning_the_counter_code_checks_the_resident_in(client, service, resident, clock):
    booking_id = booked(client, service, resident)
    later(clock, days=1, minutes=40)  # Tuesday 08:40, 20 minutes before the slot
    response = client.post(URL, json={"venue_code": venue_code("booking", service.id)}, headers=resident)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "checked_in"
    assert status_of(booking_id) == "checked_in"


def test_scanning_twice_finds_nothing_left_to_check_in(client, service, resident, clock):
    booked(client, service, resident)
    later(clock, days=1, minutes=40)
    code = {"venue_code": venue_code("booking", service.id)}
    client.post(URL, json=code, headers=resident)
    response = client.post(URL, json=code, headers=resident)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "NO_BOOKING_TO_CHECK_IN"


def test_a_photo_of_the_code_from_a_minute_ago_is_refused(client, service, resident, clock):
    booking_id = booked(client, service, resident)
    later(clock, days=1, minutes=40)
    code = venue_code("booking", service.id)
    later(clock, days=1, minutes=41, seconds=5)
    response = client.post(URL, json={"venue_code": code}, headers=resident)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "VENUE_CODE_EXPIRED"
    assert status_of(booking_id) == "confirmed"


def test_too_early_for_the_booking_there_is_nothing_to_check_in(client, service, resident, clock):
    booking_id = booked(client, service, resident)
    later(clock, days=1)  # Tuesday 08:00, an hour before
    response = client.post(URL, json={"venue_code": venue_code("booking", service.id)}, headers=resident)
    assert response.json["error"]["code"] == "NO_BOOKING_TO_CHECK_IN"
    assert status_of(booking_id) == "confirmed"


def test_another_service_code_does_not_check_in(client, world, service, resident, clock):
    other = make_service(world, name="老年证办理")
    booking_id = booked(client, service, resident)
    later(clock, days=1, minutes=40)
    response = client.post(URL, json={"venue_code": venue_code("booking", other.id)}, headers=resident)
    assert response.status_code == 404
    assert status_of(booking_id) == "confirmed"


def test_a_made_up_code_is_refused(client, service, resident):
    response = client.post(
        URL, json={"venue_code": f"booking.{service.id}.1.xxxxxxxxxxxxxxxxxxxxxx"}, headers=resident
    )
    assert response.status_code == 422
    assert response.json["error"]["code"] == "VENUE_CODE_INVALID"


def test_a_grid_worker_fetches_the_code_image(client, world, service):
    headers = log_in(client, f"staff-{GRID_WORKER}")
    response = client.get(f"/api/v1/staff/venue-codes/booking/{service.id}.png", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert response.headers["Cache-Control"] == "no-store"


def test_another_community_service_code_is_not_shown(client, world):
    elsewhere = make_service(world, community=world.elsewhere)
    headers = log_in(client, f"staff-{COMMUNITY_STAFF}")
    response = client.get(f"/api/v1/staff/venue-codes/booking/{elsewhere.id}.png", headers=headers)
    assert response.status_code == 404


def test_an_unknown_purpose_is_not_found(client, world, service):
    headers = log_in(client, f"staff-{COMMUNITY_STAFF}")
    response = client.get(f"/api/v1/staff/venue-codes/party/{service.id}.png", headers=headers)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "VENUE_PURPOSE_NOT_FOUND"


def test_the_console_screen_shows_the_service_and_refreshes_its_code(client, world, service):
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = client.get(f"/admin/venue/booking/{service.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "预约签到" in text and service.name in text
    assert f"/admin/venue/booking/{service.id}.png" in text and "/admin/static/venue_screen.js" in text
    with client.get("/admin/static/venue_screen.js") as script:
        assert "setInterval" in script.get_data(as_text=True)  # it refreshes the code
    image = client.get(f"/admin/venue/booking/{service.id}.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
