"""Cabinets and staff racing on PostgreSQL: 50 deposits for 10 free compartments, 20 entries of one code."""

import json
import threading

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.locker import operations
from cloudplatform.locker.models import LIVE, Compartment, Deposit
from tests.locker.core import make_cabinet, resident_of, signed_headers
from tests.world import log_in

pytestmark = pytest.mark.postgres


def race(app, requests_to_send):
    """POST every (url, body bytes, headers) at once, each from its own thread and client."""
    barrier = threading.Barrier(len(requests_to_send))
    results = [None] * len(requests_to_send)

    def fire(i, url, body, headers):
        client = app.test_client()
        barrier.wait()
        results[i] = client.post(url, data=body, headers=headers)

    threads = [threading.Thread(target=fire, args=(i, *r)) for i, r in enumerate(requests_to_send)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_fifty_deposits_for_ten_compartments(app, client, world):
    cabinet, *_ = make_cabinet(world.home, "S" * 10)
    user = resident_of(world.home, "recipient")
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}") | {"Content-Type": "application/json"}
    body = json.dumps({"cabinet_id": cabinet.id, "recipient_user_id": user.id, "size": "S", "item": "物资"})
    results = race(app, [("/api/v1/staff/deposits", body.encode(), staff)] * 50)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 10 + [409] * 40
    assert {r.json["error"]["code"] for r in results if r.status_code == 409} == {"NO_COMPARTMENT"}
    _db.session.commit()
    held = _db.session.scalars(
        sa.select(Deposit.compartment_id).where(Deposit.cabinet_id == cabinet.id, Deposit.status.in_(LIVE))
    ).all()
    assert len(held) == len(set(held)) == 10
    states = _db.session.scalars(sa.select(Compartment.state).where(Compartment.cabinet_id == cabinet.id))
    assert set(states) == {"occupied"}


def test_twenty_entries_of_one_code_open_one_door_once(app, world):
    cabinet, key_id, secret = make_cabinet(world.home)
    user = resident_of(world.home, "recipient")
    issued = operations.deposit(world.staff[GRID_WORKER], cabinet.id, user.id, "S", "证明")
    _db.session.commit()
    body = json.dumps({"code": issued.code}).encode()
    path = "/device/v1/pickups"
    results = race(app, [(path, body, signed_headers(key_id, secret, path, body)) for _ in range(20)])
    assert [r.status_code for r in results].count(200) == 1
    # the 19 others are refused; after 10 of them the cabinet locks its keypad, so late ones may be 423
    assert {r.json["error"]["code"] for r in results if r.status_code != 200} <= {
        "CODE_REFUSED",
        "CABINET_LOCKED",
    }
    _db.session.commit()
    assert _db.session.get(Deposit, issued.deposit.id).status == "opening"
