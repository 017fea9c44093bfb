"""Every endpoint that takes a record id × every role × a record of home / a neighbour / another street.

Staff of a community see only it, a street admin sees its street, a city admin sees all; anything out of
scope answers 404 as if it did not exist, a non-staff caller 403; a refused call changes nothing.
Later modules add their endpoints to ENDPOINTS.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from cloudplatform.clock import now
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
    ResidencyRequest,
)
from cloudplatform.service.bookings.models import Booking
from tests.factories import (
    BookableFactory,
    BookingFactory,
    BookingSuspensionFactory,
    ResidencyRequestFactory,
    SlotFactory,
    UserFactory,
)
from tests.world import log_in, wechat_user


def make_residency_request(world, community):
    return ResidencyRequestFactory(
        user_id=UserFactory().id, community_id=community.id, building_id=world.buildings[community.id]
    )


@dataclass
class Endpoint:
    name: str
    make: Callable  # (world, community) -> record
    call: Callable  # (client, headers, record) -> response
    changed: Callable  # (db, record) -> whether the record changed


def make_booking(world, community):
    """A confirmed booking of a resident of ``community`` for a service there (slots made by hand)."""
    bookable = BookableFactory(community_id=community.id)
    start = now() + timedelta(days=1)
    slot = SlotFactory(
        bookable_id=bookable.id,
        community_id=community.id,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=2,
        booked=1,
        book_from=start - timedelta(days=14),
        book_until=start,
    )
    return BookingFactory(
        community_id=community.id,
        bookable_id=bookable.id,
        slot_id=slot.id,
        user_id=UserFactory().id,
        status="pending_approval",
    )


def make_suspension(world, community):
    return BookingSuspensionFactory(
        user_id=UserFactory().id, community_id=community.id, no_shows=3, ends_at=now() + timedelta(days=30)
    )


def booking_status(db, booking_id):
    return db.session.scalar(select(Booking.status).where(Booking.id == booking_id))


ENDPOINTS = [
    Endpoint(
        "GET /staff/residency-requests/{id}",
        make_residency_request,
        lambda c, h, r: c.get(f"/api/v1/staff/residency-requests/{r.id}", headers=h),
        lambda db, r: False,
    ),
    Endpoint(
        "POST /staff/residency-requests/{id}/decision",
        make_residency_request,
        lambda c, h, r: c.post(
            f"/api/v1/staff/residency-requests/{r.id}/decision", json={"approve": True}, headers=h
        ),
        lambda db, r: (
            db.session.scalar(select(ResidencyRequest.status).where(ResidencyRequest.id == r.id)) != "pending"
        ),
    ),
]

SCOPE = {  # role -> communities whose records it may reach
    GRID_WORKER: {"home"},
    COMMUNITY_STAFF: {"home"},
    COMMUNITY_ADMIN: {"home"},
    STREET_ADMIN: {"home", "neighbour"},
    CITY_ADMIN: {"home", "neighbour", "elsewhere"},
}


def caller_headers(client, role):
    if role == "resident":
        wechat_user("plain-resident")
        return log_in(client, "plain-resident")
    return log_in(client, f"staff-{role}")


@pytest.mark.parametrize("where", ["home", "neighbour", "elsewhere"])
@pytest.mark.parametrize("role", [*SCOPE, "resident"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_record_endpoint_scope(client, db, world, endpoint, role, where):
    record = endpoint.make(world, getattr(world, where))
    response = endpoint.call(client, caller_headers(client, role), record)
    if role == "resident":
        assert response.status_code == 403
    elif where in SCOPE[role]:
        assert response.status_code == 200
        return
    else:
        assert response.status_code == 404
    assert not endpoint.changed(db, record)


@pytest.mark.parametrize("role", list(SCOPE))
def test_residency_list_shows_only_the_scope(client, world, role):
    made = {
        where: make_residency_request(world, getattr(world, where)).id
        for where in ("home", "neighbour", "elsewhere")
    }
    items = client.get("/api/v1/staff/residency-requests", headers=caller_headers(client, role)).json["items"]
    assert {i["id"] for i in items} == {made[w] for w in SCOPE[role]}
