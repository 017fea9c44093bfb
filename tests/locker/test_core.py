"""The 云柜 core: deposits (best fit, none free, codes only for the recipient), device pickups (single use,
one refusal for everything, the lockout and its end), door events, expiry and retrieval, staff actions."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.locker import operations, queries
from cloudplatform.locker.errors import NoCompartment, RecipientNotResident
from cloudplatform.locker.models import Compartment, Deposit
from cloudplatform.notify.models import Notification
from tests.helpers import count_queries
from tests.locker.core import device_post, make_cabinet, resident_of
from tests.world import log_in


@pytest.fixture
def setup(world):
    cabinet, key_id, secret = make_cabinet(world.home)
    user = resident_of(world.home, "recipient")
    return cabinet, key_id, secret, user


def put(world, cabinet, user, size="S", item="居住证明"):
    issued = operations.deposit(world.staff[GRID_WORKER], cabinet.id, user.id, size, item)
    _db.session.commit()
    return issued


def compartment_of(deposit_id):
    return _db.session.scalar(
        sa.select(Compartment.number)
        .join(Deposit, Deposit.compartment_id == Compartment.id)
        .where(Deposit.id == deposit_id)
    )


def status_of(deposit_id):
    _db.session.expire_all()
    return _db.session.get(Deposit, deposit_id).status


def test_best_fit_then_larger_then_none(world, setup):
    cabinet, _, _, user = setup
    numbers = [compartment_of(put(world, cabinet, user, "M").deposit.id) for _ in range(4)]
    assert numbers == [5, 6, 7, 8]  # the M doors, lowest first
    assert compartment_of(put(world, cabinet, user, "M").deposit.id) == 9  # then an L
    assert compartment_of(put(world, cabinet, user, "S").deposit.id) == 1  # an S fits S
    put(world, cabinet, user, "L")
    with pytest.raises(NoCompartment):
        operations.deposit(None, cabinet.id, user.id, "L", "大件")
    assert compartment_of(put(world, cabinet, user, "S").deposit.id) == 2


def test_a_deposit_is_only_for_a_resident_of_the_cabinets_community(world, setup):
    cabinet, *_ = setup
    stranger = resident_of(world.elsewhere, "stranger")
    with pytest.raises(RecipientNotResident):
        operations.deposit(None, cabinet.id, stranger.id, "S", "证明")
    assert _db.session.scalar(sa.select(sa.func.count(Deposit.id))) == 0


def test_the_message_never_carries_the_code(world, setup):
    cabinet, _, _, user = setup
    issued = put(world, cabinet, user)
    data = str(_db.session.scalars(sa.select(Notification.data)).all())
    assert issued.code not in data and issued.qr_token not in data
    entries = str([(a.details, a.action) for a in _db.session.scalars(sa.select(AuditEntry))])
    assert issued.code not in entries and "deposit.create" in entries


def test_staff_deposit_answer_and_lists_never_show_the_code(client, world, setup):
    cabinet, _, _, user = setup
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    body = {"cabinet_id": cabinet.id, "recipient_user_id": user.id, "size": "S", "item": "居住证明"}
    made = client.post("/api/v1/staff/deposits", json=body, headers=staff)
    assert made.status_code == 201, made.json
    assert "code" not in made.json and "qr_token" not in made.json and made.json["compartment"] == 1
    deposit = _db.session.get(Deposit, made.json["id"])
    code, token = operations.codes_of(deposit)
    mine = client.get("/api/v1/lockers/deposits/mine", headers=log_in(client, "recipient")).json["items"]
    assert mine[0]["code"] == code and mine[0]["qr_token"] == token and mine[0]["compartment"] == 1
    other = resident_of(world.home, "other")
    assert client.get("/api/v1/lockers/deposits/mine", headers=log_in(client, "other")).json["items"] == []
    assert (
        client.get(
            f"/api/v1/lockers/deposits/{deposit.id}/qr.png", headers=log_in(client, "other")
        ).status_code
        == 404
    )
    assert other.id != user.id
    listed = client.get("/api/v1/staff/cabinets", headers=staff).json["items"]
    assert listed[0]["counts"]["occupied"] == 1 and listed[0]["counts"]["free"] == 9
    assert code not in client.get("/api/v1/staff/cabinets", headers=staff).get_data(as_text=True)
    qr = client.get(f"/api/v1/lockers/deposits/{deposit.id}/qr.png", headers=log_in(client, "recipient"))
    assert qr.status_code == 200 and qr.mimetype == "image/png"


def test_no_compartment_answers_409(client, world):
    cabinet, *_ = make_cabinet(world.home, "S")
    user = resident_of(world.home, "recipient")
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    body = {"cabinet_id": cabinet.id, "recipient_user_id": user.id, "size": "M", "item": "衣物"}
    answer = client.post("/api/v1/staff/deposits", json=body, headers=staff)
    assert answer.status_code == 409 and answer.json["error"]["code"] == "NO_COMPARTMENT"


def test_a_pickup_opens_once_and_the_door_closing_completes_it(app, client, world, setup):
    cabinet, key_id, secret, user = setup
    issued = put(world, cabinet, user)
    with count_queries(app) as statements:
        opened = device_post(client, key_id, secret, "pickups", {"code": issued.code})
    assert opened.status_code == 200 and opened.json == {"compartment": 1, "deposit_id": issued.deposit.id}
    assert len(statements) <= 4, statements
    again = device_post(client, key_id, secret, "pickups", {"code": issued.code})
    assert again.status_code == 403 and again.json["error"]["code"] == "CODE_REFUSED"
    assert status_of(issued.deposit.id) == "opening"
    events = [{"type": "door_opened", "compartment": 1}, {"type": "door_closed", "compartment": 1}]
    assert device_post(client, key_id, secret, "events", {"events": events}).json == {"accepted": 2}
    assert status_of(issued.deposit.id) == "picked_up"
    assert _db.session.scalar(sa.select(Compartment.state).where(Compartment.number == 1)) == "free"


def test_the_qr_token_opens_too(client, world, setup):
    cabinet, key_id, secret, user = setup
    issued = put(world, cabinet, user)
    opened = device_post(client, key_id, secret, "pickups", {"qr_token": issued.qr_token})
    assert opened.json == {"compartment": 1, "deposit_id": issued.deposit.id}


def test_every_refusal_is_the_same(client, world, setup):
    cabinet, key_id, secret, user = setup
    other, *_ = make_cabinet(world.home, name="另一个云柜")
    used, expired, foreign = put(world, cabinet, user), put(world, cabinet, user), put(world, other, user)
    assert device_post(client, key_id, secret, "pickups", {"code": used.code}).status_code == 200
    _db.session.execute(sa.update(Deposit).where(Deposit.id == expired.deposit.id).values(expires_at=now()))
    _db.session.commit()
    answers = [
        device_post(client, key_id, secret, "pickups", body).json["error"]
        for body in (
            {"code": used.code},
            {"code": expired.code},
            {"code": foreign.code},
            {"code": "00000000"},
            {"code": "12"},
            {"qr_token": foreign.qr_token},
        )
    ]
    assert {(a["code"], a["message"], str(a["details"])) for a in answers} == {
        ("CODE_REFUSED", "取件码无效", "{}")
    }
    assert status_of(foreign.deposit.id) == "waiting" and status_of(expired.deposit.id) == "waiting"


def test_ten_failures_lock_the_cabinet_then_it_opens_again(client, world, setup):
    cabinet, key_id, secret, user = setup
    issued = put(world, cabinet, user)
    with time_machine.travel(now(), tick=False) as clock:
        for i in range(10):
            refused = device_post(client, key_id, secret, "pickups", {"code": f"{i:08d}"})
            assert refused.status_code == 403
        locked = device_post(client, key_id, secret, "pickups", {"code": issued.code})
        assert locked.status_code == 423 and locked.json["error"]["code"] == "CABINET_LOCKED"
        assert locked.headers["Retry-After"] == "1800"
        alerts = queries.alerts(world.staff[COMMUNITY_ADMIN])
        assert [a.action for a in alerts] == ["locker.lockout"]
        beat = device_post(client, key_id, secret, "heartbeat", {"doors": []}).json
        assert beat["locked_until"] is not None
        clock.shift(timedelta(minutes=30, seconds=1))
        assert device_post(client, key_id, secret, "pickups", {"code": issued.code}).status_code == 200


def test_failures_older_than_an_hour_do_not_count(client, world, setup):
    cabinet, key_id, secret, user = setup
    issued = put(world, cabinet, user)
    with time_machine.travel(now(), tick=False) as clock:
        for i in range(9):
            device_post(client, key_id, secret, "pickups", {"code": f"{i:08d}"})
        clock.shift(timedelta(hours=1, seconds=1))
        device_post(client, key_id, secret, "pickups", {"code": "99999999"})
        assert device_post(client, key_id, secret, "pickups", {"code": issued.code}).status_code == 200


def test_a_door_that_never_opens_returns_the_deposit(client, world, setup):
    cabinet, key_id, secret, user = setup
    issued = put(world, cabinet, user)
    with time_machine.travel(now(), tick=False) as clock:
        device_post(client, key_id, secret, "pickups", {"code": issued.code})
        assert operations.return_stuck_openings() == 0
        clock.shift(timedelta(minutes=3))
        assert operations.return_stuck_openings() == 1
        _db.session.commit()
        assert status_of(issued.deposit.id) == "waiting"
        assert device_post(client, key_id, secret, "pickups", {"code": issued.code}).status_code == 200


def test_expiry_makes_a_retrieval_task_and_the_door_event_frees_the_compartment(client, world, setup):
    cabinet, key_id, secret, user = setup
    issued = put(world, cabinet, user)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    with time_machine.travel(now() + timedelta(hours=24, minutes=1), tick=False) as clock:
        assert operations.remind_waiting_deposits() == 1
        assert operations.remind_waiting_deposits() == 0
        clock.shift(timedelta(hours=48))
        assert operations.expire_deposits() == 1
        _db.session.commit()
        assert [d.id for d in queries.retrieval_tasks(world.staff[COMMUNITY_STAFF])] == [issued.deposit.id]
        assert device_post(client, key_id, secret, "pickups", {"code": issued.code}).status_code == 403
        assert _db.session.scalar(sa.select(Compartment.state).where(Compartment.number == 1)) == "occupied"
        started = client.post(f"/api/v1/staff/deposits/{issued.deposit.id}/retrieve", headers=staff)
        assert started.status_code == 200
        beat = device_post(client, key_id, secret, "heartbeat", {"doors": [{"number": 1, "open": False}]})
        assert beat.json["open"] == [1]
        device_post(client, key_id, secret, "events", {"events": [{"type": "door_opened", "compartment": 1}]})
        assert device_post(client, key_id, secret, "heartbeat", {"doors": []}).json["open"] == []
        device_post(client, key_id, secret, "heartbeat", {"doors": [{"number": 1, "open": False}]})
        assert status_of(issued.deposit.id) == "retrieved"
        assert _db.session.scalar(sa.select(Compartment.state).where(Compartment.number == 1)) == "free"


def test_remote_open_needs_manage_and_a_reason(client, world, setup):
    cabinet, key_id, secret, user = setup
    issued = put(world, cabinet, user)
    url = f"/api/v1/staff/deposits/{issued.deposit.id}/remote-open"
    grid = log_in(client, f"staff-{GRID_WORKER}")
    assert client.post(url, json={"reason": "手机丢失"}, headers=grid).status_code == 403
    admin = log_in(client, f"staff-{COMMUNITY_ADMIN}")
    assert client.post(url, json={}, headers=admin).status_code == 422
    assert client.post(url, json={"reason": "手机丢失"}, headers=admin).status_code == 200
    assert device_post(client, key_id, secret, "heartbeat", {"doors": []}).json["open"] == [1]
    device_post(client, key_id, secret, "events", {"events": [{"type": "door_closed", "compartment": 1}]})
    assert status_of(issued.deposit.id) == "picked_up"
    actions = _db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "deposit.remote_open" in actions


def test_cancel_frees_the_compartment_and_kills_the_code(client, world, setup):
    cabinet, key_id, secret, user = setup
    issued = put(world, cabinet, user)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    answer = client.post(
        f"/api/v1/staff/deposits/{issued.deposit.id}/cancel", json={"reason": "放错"}, headers=staff
    )
    assert answer.status_code == 200 and answer.json["status"] == "cancelled"
    assert device_post(client, key_id, secret, "pickups", {"code": issued.code}).status_code == 403
    again = client.post(f"/api/v1/staff/deposits/{issued.deposit.id}/cancel", json={}, headers=staff)
    assert again.json["error"]["code"] == "DEPOSIT_NOT_WAITING"
