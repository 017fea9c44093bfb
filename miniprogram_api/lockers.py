"""便民服务云柜: residents see the items left for them with their pickup codes and QR codes; staff deposit
items for residents (never seeing the codes), see their cabinets' occupancy, cancel deposits, retrieve
expired ones and open a door remotely with a reason."""

from types import SimpleNamespace

from flask import Response, current_app

from cloudplatform.errors import Forbidden
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.locker import errors as e
from cloudplatform.locker import operations, queries, schemas
from cloudplatform.locker.models import RESERVED_DROPOFF, WAITING, Cabinet
from cloudplatform.locker.signing import CabinetDisabled
from cloudplatform.pagination import PageArgsSchema, decode_cursor, encode_cursor, page_schema
from cloudplatform.qr import qr_png
from miniprogram_api.auth import current_staff, current_user, login_required, rate_limited
from miniprogram_api.docs import Blueprint, errors

bp = Blueprint("lockers", __name__, url_prefix="/api/v1/lockers", description="便民服务云柜")
staff_bp = Blueprint(
    "lockers_staff",
    __name__,
    url_prefix="/api/v1/staff",
    description="工作人员：云柜存件",
    errors=(StaffOnly, Forbidden),
)


def code_rate_limit() -> str:
    return current_app.config["LOCKER_CODE_RATE_LIMIT"]


def with_codes(deposit):
    """The deposit as its recipient (or a drop-off's sender) sees it: the code and QR token only while
    they open it — a delivery waiting for them, a drop-off reserved for them."""
    mine = deposit.status in (WAITING, RESERVED_DROPOFF)
    code, token = operations.codes_of(deposit) if mine else (None, None)
    return SimpleNamespace(
        id=deposit.id,
        item=deposit.item,
        cabinet=deposit.cabinet,
        compartment=deposit.compartment,
        status=deposit.status,
        code=code,
        qr_token=token,
        expires_at=deposit.expires_at,
        created_at=deposit.created_at,
    )


@bp.route("/deposits/mine", methods=["GET"])
@login_required
@rate_limited(code_rate_limit, key_func=lambda: f"locker-codes:{current_user().id}")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.MyDepositSchema, "MyDepositPage"))
def my_deposits(args):
    """我的云柜存件 The items left for the caller, and the caller's drop-offs

    Newest first: the item, the cabinet's name and place, the compartment, the status and until when
    it can be picked up. While an item waits (`waiting`), `code` is its 取件码 (8 digits for the cabinet's
    keypad) and `qr_token` what its QR code carries; while a drop-off is reserved (`reserved`), `code` is
    its 投递码; nobody else ever sees them. Limited per user
    (`LOCKER_CODE_RATE_LIMIT`, 20 an hour by default): 429 RATE_LIMITED beyond.
    """
    items, cursor = queries.my_deposits_page(current_user(), args["cursor"], args["limit"])
    return {"items": [with_codes(d) for d in items], "next_cursor": cursor}


@bp.route("/deposits/<id:deposit_id>/qr.png", methods=["GET"])
@login_required
@rate_limited(code_rate_limit, key_func=lambda: f"locker-codes:{current_user().id}")
@errors(e.DepositNotFound)
@bp.response(
    200,
    {"type": "string", "format": "binary"},
    content_type="image/png",
    description="a PNG image of the QR code",
)
def deposit_qr(deposit_id):
    """取件二维码 The QR code that opens the caller's compartment

    Show it to the cabinet's scanner instead of typing the code. Only the recipient's own waiting
    deposit has one (404 DEPOSIT_NOT_FOUND otherwise). Download it with the bearer token
    (`wx.downloadFile`); limited per user like the list.
    """
    deposit = queries.load_own_deposit(current_user(), deposit_id)
    if deposit.status != WAITING:
        raise e.DepositNotFound()
    return Response(qr_png(operations.codes_of(deposit)[1]), mimetype="image/png")


@bp.route("/dropoffs", methods=["POST"])
@login_required
@rate_limited(code_rate_limit, key_func=lambda: f"locker-codes:{current_user().id}")
@idempotent
@errors(e.CabinetNotFound, CabinetDisabled, e.NoCompartment, e.CodeUnavailable)
@bp.arguments(schemas.DropoffCreateSchema)
@bp.response(201, schemas.DropoffSchema)
def reserve_dropoff(data):
    """预约投递 Reserve a compartment to drop an item off for the office

    After hours, a resident leaves documents for the community in a cabinet of their community: a
    compartment of the size asked (or larger) is held `LOCKER_DROPOFF_HOLD_MINUTES` (30 by default) for
    the answer's `code` (投递码), typed at the cabinet's keypad; the door opens, the item goes in, and when
    the door shuts the office is told and collects it. Unused, the reservation lapses. Limited per user
    like the pickup codes.
    """
    issued = operations.reserve_dropoff(current_user(), data["cabinet_id"], data["size"], data["item"])
    made = issued.deposit
    return SimpleNamespace(
        id=made.id,
        cabinet=made.cabinet,
        compartment=made.compartment,
        size=made.size,
        item=made.item,
        status=made.status,
        code=issued.code,
        expires_at=made.expires_at,
    )


@staff_bp.route("/deposits/<id:deposit_id>/collection-code", methods=["GET"])
@login_required
@errors(e.DepositNotWaiting, e.DepositNotFound)
@staff_bp.response(200, schemas.CollectionCodeSchema)
def collection_code(deposit_id):
    """投递件取件码 The staff's code for a resident's drop-off

    Once a resident's drop-off is in its compartment, staff collect it with this code of their own (the
    resident's 投递码 stopped working when the door shut); each view is recorded in the audit log.
    """
    deposit = queries.load_deposit(current_staff(), deposit_id)
    return {"code": operations.dropoff_collection_code(current_staff(), deposit)}


@staff_bp.route("/deposits", methods=["POST"])
@login_required
@idempotent
@errors(e.CabinetNotFound, CabinetDisabled, e.RecipientNotResident, e.NoCompartment, e.CodeUnavailable)
@staff_bp.arguments(schemas.DepositCreateSchema)
@staff_bp.response(201, schemas.StaffDepositSchema)
def create_deposit(data):
    """存件 Leave an item in a cabinet for a resident

    A compartment of the size asked (or the next larger one free) is taken at once; none free answers
    409 NO_COMPARTMENT. The resident gets a subscribe message and finds the pickup code in the
    mini-program: the answer never carries it. Send an `Idempotency-Key` so that a retry deposits once.
    """
    return operations.deposit(
        current_staff(), data["cabinet_id"], data["recipient_user_id"], data["size"], data["item"]
    ).deposit


@staff_bp.route("/cabinets", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.CabinetPageArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.CabinetOccupancySchema, "CabinetOccupancyPage"))
def cabinets(args):
    """云柜与占用 The caller's cabinets and their occupancy

    The cabinets of the caller's communities (or of `community_id`), by id, each with its compartments
    counted by state and whether it is online (a heartbeat within 5 minutes).
    """
    found = queries.cabinets_list(current_staff(), args["community_id"])
    found.sort(key=lambda o: o.cabinet.id)
    if args["cursor"]:
        (after,) = decode_cursor(args["cursor"], [Cabinet.id])
        found = [o for o in found if o.cabinet.id > after]
    page, more = found[: args["limit"]], len(found) > args["limit"]
    return {"items": page, "next_cursor": encode_cursor([page[-1].cabinet.id]) if more else None}


@staff_bp.route("/deposits/<id:deposit_id>/cancel", methods=["POST"])
@login_required
@errors(e.DepositNotWaiting, e.DepositNotFound)
@staff_bp.arguments(schemas.DepositCancelSchema)
@staff_bp.response(200, schemas.StaffDepositSchema)
def cancel_deposit(data, deposit_id):
    """取消存件 Cancel a waiting deposit

    For staff who took the item back: its code stops working and the compartment is free again.
    """
    deposit = queries.load_deposit(current_staff(), deposit_id)
    return operations.cancel_deposit(current_staff(), deposit, data["reason"])


@staff_bp.route("/deposits/<id:deposit_id>/retrieve", methods=["POST"])
@login_required
@errors(e.DepositNotExpired, e.DepositNotFound)
@staff_bp.response(200, schemas.StaffDepositSchema)
def retrieve_deposit(deposit_id):
    """回收过期存件 Retrieve an expired deposit

    At the cabinet: its door opens within half a minute (the cabinet's next heartbeat); closing it
    marks the deposit retrieved and frees the compartment.
    """
    deposit = queries.load_deposit(current_staff(), deposit_id)
    return operations.start_retrieval(current_staff(), deposit)


@staff_bp.route("/deposits/<id:deposit_id>/remote-open", methods=["POST"])
@login_required
@errors(e.DepositNotWaiting, e.DepositNotFound)
@staff_bp.arguments(schemas.RemoteOpenSchema)
@staff_bp.response(200, schemas.StaffDepositSchema)
def remote_open(data, deposit_id):
    """远程开柜 Open a waiting deposit's door for its recipient

    On staff's word, with a reason kept in the audit log (community admins and above): the door opens
    at the cabinet's next heartbeat, and closing it completes the pickup.
    """
    deposit = queries.load_deposit(current_staff(), deposit_id, operations.MANAGE)
    return operations.remote_open(current_staff(), deposit, data["reason"])
