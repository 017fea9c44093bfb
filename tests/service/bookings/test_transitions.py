"""A booking's status moves only along Booking.TRANSITIONS; every other move is a 409 that changes nothing."""

import itertools
import secrets
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from cloudplatform.errors import Conflict
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF
from cloudplatform.service.bookings.models import CONFIRMED, PENDING_APPROVAL, STATUS_NAMES, Booking
from cloudplatform.service.bookings.operations import decide_booking
from cloudplatform.transitions import InvalidTransition, allowed, transition
from tests.service.bookings.fixtures import MONDAY, make_service, slot_at

ILLEGAL = [
    (source, target)
    for source, target in itertools.product(STATUS_NAMES, STATUS_NAMES)
    if not allowed(Booking, source, target)
]


def booking_in(service, user, status) -> Booking:
    slot = slot_at(service, MONDAY + timedelta(days=1), 9)
    booking = Booking(
        community_id=service.community_id,
        bookable_id=service.id,
        slot_id=slot.id,
        user_id=user.id,
        status=status,
        qr_token=secrets.token_urlsafe(24),
    )
    _db.session.add(booking)
    _db.session.commit()
    return booking


def test_every_declared_status_has_a_name():
    assert set(Booking.TRANSITIONS) | {t for targets in Booking.TRANSITIONS.values() for t in targets} <= set(
        STATUS_NAMES
    )


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_an_illegal_move_is_refused_and_changes_nothing(service, resident_user, source, target):
    booking = booking_in(service, resident_user, source)
    with pytest.raises(InvalidTransition) as refused:
        transition(booking, target)
    assert refused.value.status == 409
    _db.session.rollback()
    assert _db.session.scalar(select(Booking.status).where(Booking.id == booking.id)) == source


def test_a_legal_move_happens(service, resident_user):
    booking = booking_in(service, resident_user, PENDING_APPROVAL)
    transition(booking, CONFIRMED)
    _db.session.commit()
    assert _db.session.scalar(select(Booking.status).where(Booking.id == booking.id)) == CONFIRMED


@pytest.mark.postgres
def test_two_simultaneous_decisions_have_one_winner(app, world, resident_user):
    service = make_service(world, requires_approval=True)
    booking_id = booking_in(service, resident_user, PENDING_APPROVAL).id
    staff_id = world.staff[COMMUNITY_STAFF].id
    barrier, outcomes = threading.Barrier(2), []

    def decide(approve):
        with app.app_context():
            from cloudplatform.identity.models import StaffAccount

            staff, booking = _db.session.get(StaffAccount, staff_id), _db.session.get(Booking, booking_id)
            barrier.wait()
            try:
                decide_booking(staff, booking, approve)
                _db.session.commit()
                outcomes.append("won")
            except Conflict as error:
                _db.session.rollback()
                outcomes.append(error.code)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=decide, args=(approve,)) for approve in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["NOT_PENDING", "won"]
    _db.session.commit()
    assert _db.session.scalar(select(Booking.status).where(Booking.id == booking_id)) in {
        "confirmed",
        "rejected",
    }
