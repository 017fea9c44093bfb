"""Helpers of the 云柜 core's tests: a cabinet with compartments and a key, a resident, signed device
requests (each with a fresh nonce)."""

import json
import secrets
import time

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import RESIDENT, Membership
from cloudplatform.locker.models import Cabinet, CabinetKey, Compartment
from cloudplatform.locker.signing import sign
from tests.world import wechat_user

LAYOUT = "SSSSMMMMLL"  # compartment n has size LAYOUT[n - 1]


def make_cabinet(community, layout: str = LAYOUT, name: str = "测试云柜") -> tuple[Cabinet, str, str]:
    """A cabinet of ``community`` with compartments 1.. of the layout's sizes: (cabinet, key_id, secret)."""
    cabinet = Cabinet(community_id=community.id, name=name, location="服务中心东侧")
    _db.session.add(cabinet)
    _db.session.flush()
    _db.session.add_all(
        Compartment(cabinet_id=cabinet.id, community_id=community.id, number=n, size=size)
        for n, size in enumerate(layout, 1)
    )
    key_id, secret = f"test-{cabinet.id}-{secrets.token_hex(4)}", secrets.token_hex(32)
    _db.session.add(CabinetKey(cabinet_id=cabinet.id, key_id=key_id, secret=secret))
    _db.session.commit()
    return cabinet, key_id, secret


def resident_of(community, name: str):
    user = wechat_user(name)
    _db.session.add(Membership(user_id=user.id, community_id=community.id, role=RESIDENT))
    _db.session.commit()
    return user


def signed_headers(key_id: str, secret: str, path: str, body: bytes, *, timestamp=None, nonce=None) -> dict:
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_urlsafe(16)
    return {
        "X-Cabinet-Key": key_id,
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": sign(secret, "POST", path, timestamp, nonce, body),
        "Content-Type": "application/json",
    }


def device_post(client, key_id: str, secret: str, path: str, payload, **signing):
    """POST a signed JSON body to /device/v1/<path>."""
    full = f"/device/v1/{path}"
    body = json.dumps(payload).encode()
    return client.post(full, data=body, headers=signed_headers(key_id, secret, full, body, **signing))
