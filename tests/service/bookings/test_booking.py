"""Residents book places; the rules are kept by the database and every refusal changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import PARTY_MEMBER, VOLUNTEER, Membership
from cloudplatform.service.bookings.models import Booking, BookingSuspension, Slot
from cloudplatform.service.bookings.operations import add_closure, update_bookable
from tests.helpers import count_queries
from tests.service.bookings.fixtures import MONDAY, later, make_service, resident_of, slot_at
from tests.world import log_in, wechat_user

TUESDAY = MONDAY + timedelta(days=1)


def book(client, headers, slot):
    return client.post("/api/v1/services/bookings", json={"slot_id": slot.id}, headers=headers)


def booked(slot) -> int:
    _db.session.commit()
    return _db.session.scalar(select(Slot.booked).where(Slot.id == slot.id))


def bookings_count() -> int:
    _db.session.commit()
    return _db.session.scalar(select(func.count()).select_from(Booking))


def test_slots_show_free_places(client, service, resident):
    response = client.get(f"/api/v1/services/bookables/{service.id}/slots?date={TUESDAY}", headers=resident)
    assert response.status_code == 200
    slots = response.json["items"]
    assert [s["starts_at"][11:16] for s in slots] == ["01:00", "02:00", "03:00"]  # 9, 10, 11 o'clock local
    assert {s["free"] for s in slots} == {2}


def test_slot_list_is_two_statements(client, app, service, resident):
    """The caller, then the day's slots of a service the caller may see; a day without slots takes one
    more, to tell it from a service of another community."""
    url = f"/api/v1/services/bookables/{service.id}/slots"
    with count_queries(app) as statements:
        response = client.get(f"{url}?date={TUESDAY}", headers=resident)
    assert (response.status_code, len(response.json["items"]), len(statements)) == (200, 3, 2)
    empty_day = TUESDAY + timedelta(days=4)  # a Saturday
    with count_queries(app) as statements:
        response = client.get(f"{url}?date={empty_day}", headers=resident)
    assert (response.status_code, response.json["items"], len(statements)) == (200, [], 3)


def test_booking_takes_a_place(client, service, resident):
    slot = slot_at(service, TUESDAY, 9)
    response = book(client, resident, slot)
    assert response.status_code == 201
    assert response.json["status"] == "confirmed"
    assert len(response.json["qr_token"]) >= 32
    assert booked(slot) == 1


def test_booking_runs_at_most_four_statements(client, app, service, resident):
    slot = slot_at(service, TUESDAY, 9)
    with count_queries(app) as statements:
        assert book(client, resident, slot).status_code == 201
    assert len(statements) <= 4


def test_full_slot_is_409_and_changes_nothing(client, world, service, resident):
    slot = slot_at(service, TUESDAY, 9)
    for name in ("a", "b"):
        resident_of(world.home, name)
        assert book(client, log_in(client, name), slot).status_code == 201
    response = book(client, resident, slot)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "SLOT_FULL"
    assert response.json["error"]["message"] == "该时段已约满"
    assert (booked(slot), bookings_count()) == (2, 2)


def test_same_slot_twice_is_refused(client, service, resident):
    slot = slot_at(service, TUESDAY, 9)
    book(client, resident, slot)
    response = book(client, resident, slot)
    assert response.json["error"]["code"] == "ALREADY_BOOKED"
    assert booked(slot) == 1


def test_per_resident_limit_of_active_bookings(client, service, resident):
    for hour in (9, 10):
        assert book(client, resident, slot_at(service, TUESDAY, hour)).status_code == 201
    response = book(client, resident, slot_at(service, TUESDAY, 11))
    assert response.json["error"]["code"] == "BOOKING_LIMIT"
    assert booked(slot_at(service, TUESDAY, 11)) == 0


def test_slot_within_the_minimum_notice_is_too_late(client, service, resident, clock):
    later(clock, hours=1, minutes=30)  # 09:30; the 11:00 slot closed for booking at 09:00
    response = book(client, resident, slot_at(service, MONDAY, 11))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "TOO_LATE"


def test_slot_in_the_past_is_refused(client, service, resident, clock):
    later(clock, days=1, hours=6)  # Tuesday 14:00
    assert book(client, resident, slot_at(service, TUESDAY, 9)).json["error"]["code"] == "TOO_LATE"


def test_slot_beyond_the_advance_window_is_refused(client, world, service, resident):
    far = slot_at(service, MONDAY + timedelta(days=10), 9)
    resident_of(world.home, "early-bird")
    assert book(client, log_in(client, "early-bird"), far).status_code == 201
    update_bookable(world.staff["community_staff"], service, max_advance_days=3)  # booked slots stay
    _db.session.commit()
    response = book(client, resident, far)
    assert response.json["error"]["code"] == "TOO_EARLY"
    assert booked(far) == 1


def test_closure_closes_slots_and_cancels_their_bookings(client, world, service, resident, db):
    slot = slot_at(service, TUESDAY, 9)
    book(client, resident, slot)
    assert add_closure(world.staff["community_staff"], service, TUESDAY, "元旦放假") == 1
    db.session.commit()
    assert db.session.scalar(select(Booking.status)) == "cancelled"
    other = slot_at(service, TUESDAY, 10)
    assert book(client, resident, other).json["error"]["code"] == "SLOT_CLOSED"


def test_slots_of_another_community_are_404(client, world, resident):
    elsewhere = make_service(world, world.elsewhere)
    slot = slot_at(elsewhere, TUESDAY, 9)
    assert (
        client.get(
            f"/api/v1/services/bookables/{elsewhere.id}/slots?date={TUESDAY}", headers=resident
        ).status_code
        == 404
    )
    listed = client.get(f"/api/v1/services/bookables?community_id={world.elsewhere.id}", headers=resident)
    assert listed.status_code == 404
    response = book(client, resident, slot)
    assert response.status_code == 404
    assert booked(slot) == 0


def test_a_user_who_is_not_a_resident_cannot_book(client, service, db):
    wechat_user("visitor")
    response = book(client, log_in(client, "visitor"), slot_at(service, TUESDAY, 9))
    assert response.status_code == 404


@pytest.mark.parametrize("role", [PARTY_MEMBER, VOLUNTEER])
def test_a_member_who_is_not_a_resident_cannot_book(client, world, service, db, role):
    """Party members and volunteers see the community's services, but only its residents book them."""
    member = wechat_user("member")
    db.session.add(Membership(user_id=member.id, community_id=world.home.id, role=role))
    db.session.commit()
    headers = log_in(client, "member")
    listed = client.get(f"/api/v1/services/bookables?community_id={world.home.id}", headers=headers)
    assert [b["id"] for b in listed.json["items"]] == [service.id]
    slot = slot_at(service, TUESDAY, 9)
    response = book(client, headers, slot)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "SLOT_NOT_FOUND"
    assert (booked(slot), bookings_count()) == (0, 0)


def test_suspended_resident_cannot_book(client, world, service, resident_user, resident, db):
    db.session.add(
        BookingSuspension(
            user_id=resident_user.id,
            community_id=world.home.id,
            no_shows=3,
            ends_at=slot_at(service, TUESDAY, 9).starts_at + timedelta(days=30),
        )
    )
    db.session.commit()
    response = book(client, resident, slot_at(service, TUESDAY, 9))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "BOOKING_SUSPENDED"


@pytest.mark.parametrize("slot_id", [0, -1, "x", 2**40, None])
def test_malformed_slot_id_is_422(client, service, resident, slot_id):
    response = client.post("/api/v1/services/bookings", json={"slot_id": slot_id}, headers=resident)
    assert response.status_code == 422
    assert bookings_count() == 0


def test_unknown_slot_is_404(client, service, resident):
    response = client.post("/api/v1/services/bookings", json={"slot_id": 999999}, headers=resident)
    assert response.status_code == 404


def test_malformed_date_is_422(client, service, resident):
    response = client.get(f"/api/v1/services/bookables/{service.id}/slots?date=2026-13-45", headers=resident)
    assert response.status_code == 422
    assert "date" in response.json["error"]["details"]["fields"]


def test_retry_with_the_same_idempotency_key_books_once(client, service, resident):
    slot = slot_at(service, TUESDAY, 9)
    headers = resident | {"Idempotency-Key": "book-1"}
    first, second = book(client, headers, slot), book(client, headers, slot)
    assert second.json == first.json
    assert booked(slot) == 1


def test_a_day_in_the_past_cannot_be_closed(world, service):
    from cloudplatform.errors import Unprocessable

    with pytest.raises(Unprocessable) as info:
        add_closure(world.staff["community_staff"], service, MONDAY - timedelta(days=1), "补记")
    assert info.value.code == "CLOSURE_IN_PAST"


def test_new_slot_length_remakes_free_future_slots(client, world, service, resident):
    book(client, resident, slot_at(service, TUESDAY, 9))
    update_bookable(world.staff["community_staff"], service, slot_minutes=30)
    _db.session.commit()
    response = client.get(f"/api/v1/services/bookables/{service.id}/slots?date={TUESDAY}", headers=resident)
    starts = [s["starts_at"][11:16] for s in response.json["items"]]
    assert starts == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]  # 9:00 (booked, an hour) kept


def test_a_service_with_thousands_of_slots_is_made_whole(world):
    from cloudplatform.service.bookings.operations import set_opening_hours

    minute_slots = make_service(world, name="压测", slot_minutes=1, max_advance_days=7)
    set_opening_hours(world.staff["community_staff"], minute_slots, [(day, 0, 1440) for day in range(7)])
    _db.session.commit()
    made = _db.session.scalar(
        select(func.count()).select_from(Slot).where(Slot.bookable_id == minute_slots.id)
    )
    assert made == 1440 * 8 - 8 * 60  # eight days round the clock, from 08:00 today (earlier ones past)
