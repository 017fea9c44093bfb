"""After booking: cancel, the check-in QR, staff approval, reminders, no-shows and suspensions."""

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.notify.models import Notification
from cloudplatform.service.bookings.models import Booking, BookingSuspension
from tests.service.bookings.fixtures import MONDAY, later, make_service, resident_of, slot_at
from tests.world import log_in

TUESDAY = MONDAY + timedelta(days=1)
JOB = {job.id: job for job in JOBS}


def book(client, headers, slot):
    return client.post("/api/v1/services/bookings", json={"slot_id": slot.id}, headers=headers)


def status_of(booking_id):
    _db.session.commit()
    return _db.session.scalar(select(Booking.status).where(Booking.id == booking_id))


@pytest.fixture
def booking(client, service, resident):
    return book(client, resident, slot_at(service, TUESDAY, 9)).json


@pytest.fixture
def counter(client, world):
    """The Authorization header of the home community's staff member at the counter."""
    return log_in(client, f"staff-{COMMUNITY_STAFF}")


def check_in(client, headers, token):
    return client.post("/api/v1/staff/bookings/check-in", json={"qr_token": token}, headers=headers)


def test_cancel_frees_the_place_for_the_next_booker(client, world, service, resident):
    slot = slot_at(service, TUESDAY, 9)
    mine = book(client, resident, slot).json
    resident_of(world.home, "second")
    book(client, log_in(client, "second"), slot)
    resident_of(world.home, "third")
    third = log_in(client, "third")
    assert book(client, third, slot).json["error"]["code"] == "SLOT_FULL"
    response = client.post(f"/api/v1/services/bookings/{mine['id']}/cancel", headers=resident)
    assert response.json["status"] == "cancelled"
    assert book(client, third, slot).status_code == 201


def test_cancel_after_the_cut_off_is_refused(client, service, resident, booking, clock):
    later(clock, days=1, minutes=30)  # Tuesday 08:30; the 09:00 slot's cut-off was 07:00
    response = client.post(f"/api/v1/services/bookings/{booking['id']}/cancel", headers=resident)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "CANCEL_TOO_LATE"
    assert status_of(booking["id"]) == "confirmed"


def test_someone_elses_booking_cannot_be_cancelled(client, world, booking):
    resident_of(world.home, "other")
    url = f"/api/v1/services/bookings/{booking['id']}/cancel"
    response = client.post(url, headers=log_in(client, "other"))
    assert response.status_code == 404
    assert status_of(booking["id"]) == "confirmed"


def test_own_bookings_are_listed(client, resident, booking):
    mine = client.get("/api/v1/services/bookings/mine", headers=resident).json
    assert [b["id"] for b in mine["items"]] == [booking["id"]]
    assert mine["next_cursor"] is None


def test_booking_qr_is_a_png_for_its_owner_only(client, world, resident, booking):
    own = client.get(f"/api/v1/services/bookings/{booking['id']}/qr.png", headers=resident)
    assert own.mimetype == "image/png"
    assert own.data.startswith(b"\x89PNG")
    resident_of(world.home, "other")
    other = client.get(f"/api/v1/services/bookings/{booking['id']}/qr.png", headers=log_in(client, "other"))
    assert other.status_code == 404


def test_staff_check_the_resident_in_by_scanning_the_qr(client, booking, counter, clock):
    later(clock, days=1, minutes=50)  # Tuesday 08:50
    response = check_in(client, counter, booking["qr_token"])
    assert response.status_code == 200
    assert response.json["status"] == "checked_in"
    assert check_in(client, counter, booking["qr_token"]).json["error"]["code"] == "NOT_CHECKABLE"


def test_check_in_outside_the_slot_time_is_refused(client, booking, counter):
    response = check_in(client, counter, booking["qr_token"])  # Monday: a day early
    assert response.json["error"]["code"] == "NOT_CHECK_IN_TIME"
    assert status_of(booking["id"]) == "confirmed"


def test_staff_of_another_community_cannot_check_in(client, world, booking, clock):
    from tests.factories import StaffAccountFactory
    from tests.world import wechat_user

    user = wechat_user("far-staff")
    StaffAccountFactory(role=COMMUNITY_STAFF, community_id=world.elsewhere.id, user_id=user.id)
    later(clock, days=1, minutes=50)
    response = check_in(client, log_in(client, "far-staff"), booking["qr_token"])
    assert response.status_code == 404
    assert status_of(booking["id"]) == "confirmed"


def test_a_resident_cannot_check_in(client, resident, booking, clock):
    later(clock, days=1, minutes=50)
    assert check_in(client, resident, booking["qr_token"]).status_code == 403


def test_grid_worker_may_check_in(client, world, booking, clock):
    later(clock, days=1, minutes=50)
    response = check_in(client, log_in(client, f"staff-{GRID_WORKER}"), booking["qr_token"])
    assert response.status_code == 200


def test_booking_that_needs_approval_waits_for_staff(client, world, resident, counter):
    room = make_service(world, name="活动室预约", requires_approval=True)
    pending = book(client, resident, slot_at(room, TUESDAY, 9)).json
    assert pending["status"] == "pending_approval"
    url = f"/api/v1/staff/bookings/{pending['id']}/decision"
    assert client.post(url, json={"approve": True}, headers=counter).json["status"] == "confirmed"


def test_rejected_booking_frees_its_place(client, world, resident, counter, db):
    room = make_service(world, name="活动室预约", requires_approval=True, capacity=1)
    slot = slot_at(room, TUESDAY, 9)
    pending = book(client, resident, slot).json
    client.post(f"/api/v1/staff/bookings/{pending['id']}/decision", json={"approve": False}, headers=counter)
    assert status_of(pending["id"]) == "rejected"
    resident_of(world.home, "next")
    assert book(client, log_in(client, "next"), slot).status_code == 201


def test_reminder_goes_out_the_day_before_once(app, client, resident, booking, standin):
    client.post("/api/v1/me/subscriptions", json={"template_keys": ["booking_reminder"]}, headers=resident)
    assert run_job(app, JOB["send_booking_reminders"]) == 1  # Monday: the booking is tomorrow
    assert run_job(app, JOB["send_booking_reminders"]) == 0
    run_job(app, JOB["deliver_outbox"])
    messages = requests.get(standin + "_standin/messages", timeout=5).json()["items"]
    assert [m["template_id"] for m in messages] == [app.config["WECHAT_TEMPLATES"]["booking_reminder"]]
    assert messages[0]["data"]["thing1"]["value"] == "证明开具"


def test_no_reminder_for_a_booking_two_days_away(app, client, service, resident):
    book(client, resident, slot_at(service, MONDAY + timedelta(days=2), 9))
    assert run_job(app, JOB["send_booking_reminders"]) == 0


def test_unchecked_booking_becomes_a_no_show_after_its_slot(app, booking, clock):
    later(clock, days=1, hours=1, minutes=59)  # Tuesday 09:59: the slot has not ended
    assert run_job(app, JOB["mark_no_shows"])["no_shows"] == 0
    later(clock, days=1, hours=2, minutes=1)  # 10:01
    assert run_job(app, JOB["mark_no_shows"])["no_shows"] == 1
    assert status_of(booking["id"]) == "no_show"
    assert run_job(app, JOB["mark_no_shows"])["no_shows"] == 0  # safe to run twice


def miss_three(app, client, service, clock) -> dict[str, str]:
    """Book and miss the Tuesday 9:00 slot three weeks running; the clock ends a week after the first
    miss's week, with a fresh login (tokens last a week)."""
    for week in range(3):
        later(clock, weeks=week)
        run_job(app, JOB["generate_slots"])  # the booking window moves on with the clock
        headers = log_in(client, "resident")
        assert book(client, headers, slot_at(service, TUESDAY + timedelta(weeks=week), 9)).status_code == 201
        later(clock, weeks=week, days=1, hours=3)
        run_job(app, JOB["mark_no_shows"])
    later(clock, weeks=3)
    run_job(app, JOB["generate_slots"])
    return log_in(client, "resident")


def test_three_no_shows_suspend_booking(app, client, service, resident, clock, db):
    resident = miss_three(app, client, service, clock)
    suspension = db.session.scalar(select(BookingSuspension))
    assert suspension.no_shows == 3
    response = book(client, resident, slot_at(service, TUESDAY + timedelta(weeks=3), 9))
    assert response.json["error"]["code"] == "BOOKING_SUSPENDED"


def test_staff_can_lift_a_suspension(app, client, service, resident, clock, db):
    resident = miss_three(app, client, service, clock)
    counter = log_in(client, f"staff-{COMMUNITY_STAFF}")
    suspension_id = db.session.scalar(select(BookingSuspension.id))
    lift = client.post(f"/api/v1/staff/booking-suspensions/{suspension_id}/lift", headers=counter)
    assert lift.status_code == 204
    assert book(client, resident, slot_at(service, TUESDAY + timedelta(weeks=3), 9)).status_code == 201


def test_suspension_ends_by_itself(app, client, service, resident, clock):
    miss_three(app, client, service, clock)
    later(clock, weeks=2, days=32)
    run_job(app, JOB["generate_slots"])
    resident = log_in(client, "resident")
    assert book(client, resident, slot_at(service, TUESDAY + timedelta(weeks=7), 9)).status_code == 201


def test_closure_tells_the_residents(client, world, service, resident, booking, db):
    from cloudplatform.service.bookings.operations import add_closure

    add_closure(world.staff[COMMUNITY_STAFF], service, TUESDAY, "设备检修")
    db.session.commit()
    assert db.session.scalar(select(Notification.data))["thing3"]["value"].startswith("因设备检修")


def test_slot_job_makes_the_days_that_enter_the_window_once(app, service, clock):
    later(clock, days=1)  # Tuesday: the window now reaches one more day, a Tuesday (3 slots)
    assert run_job(app, JOB["generate_slots"]) == 3
    assert run_job(app, JOB["generate_slots"]) == 0
