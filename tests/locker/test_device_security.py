"""Every refusal of the device API's signature check, on SQLite (nonces in a table) and on PostgreSQL with
Redis (nonces in Redis): nothing runs for a request its cabinet did not sign; key rotation."""

import json
import time

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, GRID_WORKER
from cloudplatform.locker import operations
from cloudplatform.locker.models import Cabinet, CabinetKey, Deposit
from tests.locker.core import device_post, make_cabinet, resident_of, signed_headers

PATH = "/device/v1/pickups"


@pytest.fixture
def cabinet(world):
    return make_cabinet(world.home)


@pytest.fixture
def issued(world, cabinet):
    user = resident_of(world.home, "recipient")
    made = operations.deposit(world.staff[GRID_WORKER], cabinet[0].id, user.id, "S", "证明")
    _db.session.commit()
    return made


def still_waiting(issued) -> bool:
    _db.session.expire_all()
    return _db.session.get(Deposit, issued.deposit.id).status == "waiting"


def post(client, body: bytes, headers: dict):
    return client.post(PATH, data=body, headers=headers)


def refused(response, status, code):
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code


@pytest.mark.parametrize("missing", ["X-Cabinet-Key", "X-Timestamp", "X-Nonce", "X-Signature"])
def test_a_missing_header_is_refused(client, cabinet, issued, missing):
    _, key_id, secret = cabinet
    body = json.dumps({"code": issued.code}).encode()
    headers = signed_headers(key_id, secret, PATH, body)
    del headers[missing]
    refused(post(client, body, headers), 401, "SIGNATURE_INVALID")
    assert still_waiting(issued)


def test_a_bad_signature_an_unknown_key_and_a_changed_body_are_refused(client, cabinet, issued):
    _, key_id, secret = cabinet
    body = json.dumps({"code": issued.code}).encode()
    headers = signed_headers(key_id, secret, PATH, body)
    refused(post(client, body, headers | {"X-Signature": "0" * 64}), 401, "SIGNATURE_INVALID")
    refused(post(client, body, signed_headers("nobody", secret, PATH, body)), 401, "SIGNATURE_INVALID")
    refused(post(client, body, signed_headers(key_id, "wrong" * 8, PATH, body)), 401, "SIGNATURE_INVALID")
    other = json.dumps({"qr_token": issued.qr_token}).encode()
    refused(post(client, other, signed_headers(key_id, secret, PATH, body)), 401, "SIGNATURE_INVALID")
    signed_for_events = signed_headers(key_id, secret, "/device/v1/events", body)
    refused(post(client, body, signed_for_events), 401, "SIGNATURE_INVALID")
    assert still_waiting(issued)


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_skewed_timestamp_is_refused(client, cabinet, issued, skew):
    _, key_id, secret = cabinet
    body = json.dumps({"code": issued.code}).encode()
    headers = signed_headers(key_id, secret, PATH, body, timestamp=int(time.time()) + skew)
    refused(post(client, body, headers), 401, "TIMESTAMP_SKEWED")
    assert still_waiting(issued)


def test_a_replayed_nonce_is_refused(app, client, cabinet, issued, backend):
    _, key_id, secret = cabinet
    assert bool(app.config["REDIS_URL"]) == (backend == "postgres")  # Redis in the PostgreSQL pass
    body = json.dumps({"code": "00000000"}).encode()
    headers = signed_headers(key_id, secret, PATH, body)
    refused(post(client, body, headers), 403, "CODE_REFUSED")  # a refusal still spends the nonce
    refused(post(client, body, headers), 401, "NONCE_REUSED")
    beat = json.dumps({"doors": []}).encode()
    headers = signed_headers(key_id, secret, "/device/v1/heartbeat", beat)
    assert client.post("/device/v1/heartbeat", data=beat, headers=headers).status_code == 200
    refused(client.post("/device/v1/heartbeat", data=beat, headers=headers), 401, "NONCE_REUSED")


def test_a_disabled_cabinet_is_refused(client, cabinet, issued):
    made, key_id, secret = cabinet
    _db.session.execute(sa.update(Cabinet).where(Cabinet.id == made.id).values(disabled=True))
    _db.session.commit()
    refused(device_post(client, key_id, secret, "pickups", {"code": issued.code}), 403, "CABINET_DISABLED")
    assert still_waiting(issued)


def test_a_retired_key_is_refused(client, cabinet, issued):
    _, key_id, secret = cabinet
    _db.session.execute(sa.update(CabinetKey).where(CabinetKey.key_id == key_id).values(active=False))
    _db.session.commit()
    refused(device_post(client, key_id, secret, "pickups", {"code": issued.code}), 401, "SIGNATURE_INVALID")


def test_key_rotation_keeps_the_previous_key_until_the_next(client, world, cabinet):
    made, old_id, old_secret = cabinet
    admin = world.staff[COMMUNITY_ADMIN]
    new_id, new_secret = operations.rotate_key(admin, made)
    _db.session.commit()
    for key_id, secret in ((old_id, old_secret), (new_id, new_secret)):
        assert device_post(client, key_id, secret, "heartbeat", {"doors": []}).status_code == 200
    newest = operations.rotate_key(admin, made)
    _db.session.commit()
    refused(device_post(client, old_id, old_secret, "heartbeat", {"doors": []}), 401, "SIGNATURE_INVALID")
    for key_id, secret in ((new_id, new_secret), newest):
        assert device_post(client, key_id, secret, "heartbeat", {"doors": []}).status_code == 200
    active = _db.session.scalars(
        sa.select(CabinetKey.key_id).where(CabinetKey.cabinet_id == made.id, CabinetKey.active)
    ).all()
    assert sorted(active) == sorted([new_id, newest[0]])


def test_rotation_needs_manage_in_scope(world, cabinet):
    from cloudplatform.errors import Forbidden
    from cloudplatform.locker.errors import CabinetNotFound

    with pytest.raises(Forbidden):
        operations.rotate_key(world.staff[GRID_WORKER], cabinet[0])
    elsewhere, *_ = make_cabinet(world.elsewhere)
    with pytest.raises(CabinetNotFound):
        operations.rotate_key(world.staff[COMMUNITY_ADMIN], elsewhere)
