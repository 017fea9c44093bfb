"""A resident drops an item off for the office: a compartment is reserved for a drop-off code; the
door closing on the item deposits it and spends the code; staff collect it with a code of their own;
a reservation never used lapses and frees the compartment."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF
from cloudplatform.locker.models import Compartment, Deposit
from cloudplatform.locker.tasks import lapse_dropoffs, return_stuck_openings
from tests.locker.core import device_post, make_cabinet, resident_of
from tests.world import log_in

CLOSE = {"events": [{"type": "door_opened", "compartment": 5}, {"type": "door_closed", "compartment": 5}]}


def state_of(number: int) -> str:
    _db.session.commit()
    return _db.session.scalar(sa.select(Compartment.state).where(Compartment.number == number))


def reserve(client, headers, cabinet, size="M"):
    body = {"cabinet_id": cabinet.id, "size": size, "item": "低保复核材料"}
    return client.post("/api/v1/lockers/dropoffs", json=body, headers=headers)


def test_drop_off_then_staff_collect_with_their_own_code(client, world):
    cabinet, key_id, secret = make_cabinet(world.home)
    resident_of(world.home, "liu")
    headers = log_in(client, "liu")
    reserved = reserve(client, headers, cabinet)
    assert reserved.status_code == 201, reserved.json
    code = reserved.json["code"]
    assert reserved.json["compartment"] == 5 and reserved.json["status"] == "reserved"  # the first M
    assert state_of(5) == "reserved"
    mine = client.get("/api/v1/lockers/deposits/mine", headers=headers).json["items"]
    assert [(d["status"], d["code"]) for d in mine] == [("reserved", code)]

    opened = device_post(client, key_id, secret, "dropoffs", {"code": code})
    assert opened.status_code == 200 and opened.json["compartment"] == 5
    assert device_post(client, key_id, secret, "events", CLOSE).json == {"accepted": 2}
    assert state_of(5) == "occupied"
    deposit = _db.session.scalar(sa.select(Deposit))
    assert deposit.status == "deposited"
    assert _db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "dropoff.deposited"))
    again = device_post(client, key_id, secret, "dropoffs", {"code": code})
    assert again.status_code == 403 and again.json["error"]["code"] == "CODE_REFUSED"
    assert device_post(client, key_id, secret, "pickups", {"code": code}).status_code == 403
    mine = client.get("/api/v1/lockers/deposits/mine", headers=headers).json["items"]
    assert [(d["status"], d["code"]) for d in mine] == [("deposited", None)]  # the staff's code is not theirs

    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    collection = client.get(f"/api/v1/staff/deposits/{deposit.id}/collection-code", headers=staff)
    assert collection.status_code == 200 and collection.json["code"] != code
    opened = device_post(client, key_id, secret, "pickups", {"code": collection.json["code"]})
    assert opened.status_code == 200 and opened.json["compartment"] == 5
    assert device_post(client, key_id, secret, "events", CLOSE).json == {"accepted": 2}
    assert state_of(5) == "free"
    _db.session.expire_all()
    assert _db.session.get(Deposit, deposit.id).status == "collected"


def test_only_a_resident_of_the_cabinets_community_reserves(client, world):
    cabinet, _, _ = make_cabinet(world.home)
    resident_of(world.elsewhere, "stranger")
    refused = reserve(client, log_in(client, "stranger"), cabinet)
    assert refused.status_code == 404 and refused.json["error"]["code"] == "CABINET_NOT_FOUND"
    assert state_of(5) == "free"


def test_an_unused_reservation_lapses_and_frees_the_compartment(app, client, world):
    cabinet, key_id, secret = make_cabinet(world.home)
    resident_of(world.home, "liu")
    code = reserve(client, log_in(client, "liu"), cabinet).json["code"]
    with time_machine.travel(now() + timedelta(minutes=31), tick=False):
        assert lapse_dropoffs() == 1
        _db.session.commit()
        assert state_of(5) == "free"
        refused = device_post(client, key_id, secret, "dropoffs", {"code": code})
        assert refused.status_code == 403 and refused.json["error"]["code"] == "CODE_REFUSED"


def test_a_door_that_never_opens_gives_the_reservation_back(client, world):
    cabinet, key_id, secret = make_cabinet(world.home)
    resident_of(world.home, "liu")
    code = reserve(client, log_in(client, "liu"), cabinet).json["code"]
    assert device_post(client, key_id, secret, "dropoffs", {"code": code}).status_code == 200
    with time_machine.travel(now() + timedelta(minutes=3), tick=False):
        assert return_stuck_openings() == 1
        _db.session.commit()
    assert _db.session.scalar(sa.select(Deposit.status)) == "reserved"
    assert device_post(client, key_id, secret, "dropoffs", {"code": code}).status_code == 200


def test_staff_see_a_collection_code_only_for_a_deposited_drop_off(client, world):
    cabinet, _, _ = make_cabinet(world.home)
    resident_of(world.home, "liu")
    deposit_id = reserve(client, log_in(client, "liu"), cabinet).json["id"]
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    early = client.get(f"/api/v1/staff/deposits/{deposit_id}/collection-code", headers=staff)
    assert early.status_code == 409 and early.json["error"]["code"] == "DEPOSIT_NOT_WAITING"


def test_the_console_dashboard_counts_drop_offs_for_staff_to_collect(client, world):
    from cloudplatform.identity.models import COMMUNITY_STAFF as ROLE
    from tests.admin.console import sign_in_as

    cabinet, key_id, secret = make_cabinet(world.home)
    resident_of(world.home, "liu")
    code = reserve(client, log_in(client, "liu"), cabinet).json["code"]
    device_post(client, key_id, secret, "dropoffs", {"code": code})
    device_post(client, key_id, secret, "events", CLOSE)
    sign_in_as(client, world.staff[ROLE])
    page = client.get("/admin/").get_data(as_text=True)
    assert '<a href="/admin/locker/deposits?status=deposited">' in page
    tile = page.split('data-tile="待取投递件"', 1)[1][:300]
    assert ">1<" in tile.replace(" ", "").replace("\n", "")
