"""Staff at the counter see residents' names masked as the console masks them (张**), in the day's list and
in the check-in answer; a member of staff cannot check in a booking of their own (403
OWN_BOOKING_CHECK_IN, nothing changes), another one can."""

from datetime import timedelta

from sqlalchemy import select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF
from cloudplatform.service.bookings.models import Booking
from tests.factories import StaffAccountFactory
from tests.service.bookings.fixtures import MONDAY, later, resident_of, slot_at
from tests.world import log_in

TUESDAY = MONDAY + timedelta(days=1)


def book(client, headers, slot) -> dict:
    response = client.post("/api/v1/services/bookings", json={"slot_id": slot.id}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def check_in(client, headers, token):
    return client.post("/api/v1/staff/bookings/check-in", json={"qr_token": token}, headers=headers)


def status_of(booking_id: int) -> str:
    _db.session.commit()
    return _db.session.scalar(select(Booking.status).where(Booking.id == booking_id))


def test_the_counter_sees_names_masked(client, world, service, clock):
    resident_of(world.home, "张秀兰")
    booking = book(client, log_in(client, "张秀兰"), slot_at(service, TUESDAY, 9))
    counter = log_in(client, f"staff-{COMMUNITY_STAFF}")
    listed = client.get(
        f"/api/v1/staff/bookables/{service.id}/bookings?date={TUESDAY.isoformat()}", headers=counter
    )
    assert [b["nickname"] for b in listed.json["items"]] == ["张**"]
    later(clock, days=1, minutes=50)  # Tuesday 08:50
    checked = check_in(client, counter, booking["qr_token"])
    assert checked.status_code == 200 and checked.json["nickname"] == "张**"
    assert "张秀兰" not in listed.get_data(as_text=True) + checked.get_data(as_text=True)


def test_staff_cannot_check_in_their_own_booking(client, world, service, clock):
    own = resident_of(world.home, "王小明")
    StaffAccountFactory(role=COMMUNITY_STAFF, community_id=world.home.id, user_id=own.id)
    me = log_in(client, "王小明")  # both resident and staff member of the home community
    booking = book(client, me, slot_at(service, TUESDAY, 9))
    later(clock, days=1, minutes=50)
    refused = check_in(client, me, booking["qr_token"])
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "OWN_BOOKING_CHECK_IN"
    assert status_of(booking["id"]) == "confirmed"
    colleague = log_in(client, f"staff-{COMMUNITY_STAFF}")
    assert check_in(client, colleague, booking["qr_token"]).json["status"] == "checked_in"
