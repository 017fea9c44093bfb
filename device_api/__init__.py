"""云柜设备接口 The cabinets' API under ``/device/v1`` (the cabinet vendors' manual).

Signing
    Every request carries ``X-Cabinet-Key`` (the key id), ``X-Timestamp`` (Unix seconds), ``X-Nonce``
    (16–64 of ``[A-Za-z0-9_-]``, fresh for every request) and ``X-Signature``: lowercase hex
    HMAC-SHA256 with the key's secret over ``METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nhex(SHA-256(body))``
    (PATH without the query string, the body byte for byte as sent; ``cloudplatform.locker.signing.sign``
    computes it). A request is checked before anything else is read; refusals (JSON envelope
    ``{"error": {"code", "message", "details", "request_id"}}``):

    - 401 ``SIGNATURE_INVALID``: a header missing or malformed, an unknown or retired key, a wrong
      signature; 401 ``TIMESTAMP_SKEWED``: the clock is more than 300 s off (set it from
      ``server_time``); 401 ``NONCE_REUSED``: the nonce was used in the last 10 minutes (a replay);
    - 403 ``CABINET_DISABLED``: the cabinet is disabled in the console;
    - 503 ``SERVICE_UNAVAILABLE`` with ``Retry-After`` seconds: the server cannot check the nonce just
      now (or its database is unreachable); nothing was done. Send the request again after that long.

    Keys rotate without downtime: after a rotation the new and the previous key both work; install the
    new one, the previous is retired at the next rotation.

Endpoints (JSON bodies, ``Content-Type: application/json``)
    ``POST /device/v1/heartbeat`` ``{"doors": [{"number": 3, "open": false}, ...]}`` every 30 seconds
    → ``{"server_time": "2026-12-07T00:12:00+00:00", "locked_until": null, "open": [5]}``: ``open`` lists
    doors to open on staff's word (a remote open or a retrieval); open them and report the door events.
    A door reported shut that was open counts as its ``door_closed``.

    ``POST /device/v1/pickups`` ``{"code": "40718263"}`` (typed at the keypad) or ``{"qr_token": "..."}``
    (scanned) → ``{"compartment": 3, "deposit_id": 7001}``: open that door now. A code opens once: a
    second entry, a wrong, expired or another cabinet's code all answer 403 ``CODE_REFUSED``
    (取件码无效: show it, nothing else). Ten refusals within an hour lock code entry for 30 minutes:
    423 ``CABINET_LOCKED`` with ``Retry-After`` seconds (show 错误次数过多，请稍后再试). If the door does
    not open, the deposit waits again after two minutes.

    ``POST /device/v1/dropoffs`` ``{"code": "40718263"}`` (a resident's 投递码, typed at the keypad) →
    ``{"compartment": 5, "deposit_id": 7002}``: open that reserved door for the item to go in; when it
    shuts, the drop-off is deposited and the office collects it with a code of its own at ``/pickups``.
    Refusals and the lockout as for pickups.

    ``POST /device/v1/events`` ``{"events": [{"type": "door_opened" | "door_closed" | "fault",
    "compartment": 3}, ...]}`` (1–100, in the order they happened) → ``{"accepted": 2}`` (events of
    numbers the cabinet does not have are not counted). ``door_closed`` after a pickup completes it
    (the compartment is free again); after a retrieval it completes the retrieval.

    Other errors: 415 a body that is not JSON, 400 ``MALFORMED_JSON``, 422 ``VALIDATION_ERROR`` with
    ``details.fields``, 413 a body over 1 MiB.
"""

import json

import marshmallow as ma
from flask import Blueprint, g, request

from cloudplatform.clock import now
from cloudplatform.errors import MalformedJson, Unprocessable
from cloudplatform.extensions import csrf, db
from cloudplatform.locker import operations, schemas
from cloudplatform.locker.errors import CodeRefused
from cloudplatform.locker.models import Cabinet
from cloudplatform.locker.signing import verify_request
from cloudplatform.schemas import unstorable_fields

bp = Blueprint("device", __name__, url_prefix="/device/v1")
csrf.exempt(bp)


@bp.before_request
def verify_signature():
    """Nothing runs for a request its cabinet did not sign."""
    g.cabinet = verify_request(request.method, request.path, request.headers, request.get_data(cache=True))


def cabinet() -> Cabinet:
    return g.cabinet


def body(schema: ma.Schema) -> dict:
    try:
        data = json.loads(request.get_data(cache=True) or b"{}")
    except (RecursionError, ValueError):  # nested too deep; a number of over 4,300 digits
        raise MalformedJson() from None
    refused = unstorable_fields(data)  # as the API's parser refuses them (``miniprogram_api.docs.Parser``)
    if refused:
        raise Unprocessable(details={"fields": refused})
    try:
        return schema.load(data if isinstance(data, dict) else {"_": data})
    except ma.ValidationError as error:
        raise Unprocessable(details={"fields": error.messages}) from None


@bp.post("/heartbeat")
def heartbeat():
    data = body(schemas.HeartbeatSchema())
    doors = operations.heartbeat(cabinet(), data["doors"])
    locked = cabinet().locked_until
    return {
        "server_time": now().isoformat(),
        "locked_until": locked.isoformat() if locked is not None and locked > now() else None,
        "open": doors,
    }


@bp.post("/pickups")
def pickup():
    data = body(schemas.PickupSchema())
    try:
        opened = operations.pick_up(cabinet(), code=data.get("code"), qr_token=data.get("qr_token"))
    except CodeRefused:
        db.session.commit()  # the failure counts (and the nonce stays spent) though the answer is a refusal
        raise
    return {"compartment": opened.compartment, "deposit_id": opened.deposit_id}


@bp.post("/dropoffs")
def dropoff():
    data = body(schemas.DropoffCodeSchema())
    try:
        opened = operations.drop_off(cabinet(), data["code"])
    except CodeRefused:
        db.session.commit()  # the failure counts (and the nonce stays spent) though the answer is a refusal
        raise
    return {"compartment": opened.compartment, "deposit_id": opened.deposit_id}


@bp.post("/events")
def events():
    data = body(schemas.EventsSchema())
    accepted = sum(operations.door_event(cabinet(), e["type"], e["compartment"]) for e in data["events"])
    return {"accepted": accepted}
