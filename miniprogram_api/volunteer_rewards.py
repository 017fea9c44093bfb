"""爱心超市: volunteers see the shelf of their community, redeem points for an item to collect at the counter
or from a locker, follow and cancel their redemptions; staff hand items over at the counter (核销 by the
QR token or by a button), put locker items into a cabinet, cancel with a reason and read the queue."""

from cloudplatform.errors import Forbidden
from cloudplatform.idempotency import idempotent
from cloudplatform.identity.errors import StaffOnly
from cloudplatform.locker.errors import DepositNotWaiting, NoCompartment, RecipientNotResident
from cloudplatform.locker.signing import CabinetDisabled
from cloudplatform.pagination import PageArgsSchema, page_schema
from cloudplatform.service.uploads.errors import AttachmentNotFound
from cloudplatform.service.uploads.queries import show
from cloudplatform.transaction import read_only
from cloudplatform.volunteer.points.errors import InsufficientPoints
from cloudplatform.volunteer.rewards import errors as e
from cloudplatform.volunteer.rewards import operations, queries, schemas
from cloudplatform.volunteer.volunteers.errors import NotVolunteer
from miniprogram_api.auth import current_staff, current_user, login_required
from miniprogram_api.docs import Blueprint, errors, serves_files

bp = Blueprint("volunteer_rewards", __name__, url_prefix="/api/v1/volunteer", description="志愿云：爱心超市")
staff_bp = Blueprint(
    "volunteer_rewards_staff",
    __name__,
    url_prefix="/api/v1/staff/volunteer",
    description="工作人员：爱心超市兑换核销",
    errors=(StaffOnly, Forbidden),
)


# -- the volunteer ----------------------------------------------------------------------------------


@bp.route("/rewards", methods=["GET"])
@login_required
@errors(NotVolunteer)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.RewardSchema, "VolunteerRewardPage"))
@read_only
def list_rewards(args):
    """爱心超市 The rewards on the shelf of the caller's community

    Donated goods and services priced in points, newest first: price, stock (0: sold out), the donor,
    the per-person limit in its period (Beijing calendar month or year, or ever) with how many the caller
    holds in it (`held`) and has left (`left`), and how it can be collected (`deliveries`). For a
    registered volunteer (403 NOT_VOLUNTEER otherwise).
    """
    items, cursor = queries.shelf_page(current_user(), args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/rewards/<id:reward_id>", methods=["GET"])
@login_required
@errors(NotVolunteer, e.RewardNotFound)
@bp.response(200, schemas.RewardSchema)
@read_only
def get_reward(reward_id):
    """兑换物品详情 One reward

    As the shelf shows it; one taken off the shelf shows `status: off_shelf` (it cannot be redeemed). A
    reward not offered in the caller's community answers 404 REWARD_NOT_FOUND.
    """
    return queries.shelf_reward(current_user(), reward_id)


@bp.route("/rewards/<id:reward_id>/picture", methods=["GET"])
@login_required
@errors(NotVolunteer, e.RewardNotFound, AttachmentNotFound)
@serves_files(bp)
@read_only
def reward_picture(reward_id):
    """兑换物品图片 A reward's picture

    The image `picture_url` names (JPEG or PNG, shown inline, never cached by others); a reward without
    one answers 404 ATTACHMENT_NOT_FOUND.
    """
    return show(queries.shelf_picture(current_user(), reward_id))


@bp.route("/rewards/<id:reward_id>/redemptions", methods=["POST"])
@login_required
@idempotent
@errors(
    NotVolunteer,
    e.RedemptionVolunteerSuspended,
    e.RewardNotFound,
    e.RedemptionCabinetNotFound,
    e.RewardOffShelf,
    e.LockerNotOffered,
    e.RedemptionLimitReached,
    InsufficientPoints,
    e.RewardSoldOut,
)
@bp.arguments(schemas.RedeemSchema)
@bp.response(201, schemas.RedemptionSchema)
def redeem(data, reward_id):
    """兑换 Redeem points for a reward

    Takes the price from the caller's points and one from stock at once, to collect at the counter
    (`counter`: show the answer's `qr_token` as a QR code; staff scan it) or from a locker (`locker`, for
    a reward with a size in a community with a cabinet: staff put it into a cabinet and the caller gets
    the pickup code like any locker item). Refused with nothing changed: too few points 409
    POINTS_INSUFFICIENT, none left 409 REWARD_SOLD_OUT, the limit reached 409 REDEMPTION_LIMIT_REACHED,
    off the shelf 409 REWARD_OFF_SHELF, a locker for a counter-only reward 409 REWARD_LOCKER_NOT_OFFERED.
    Collect it within `collect_by`, else it is cancelled and the points come back. Send an
    `Idempotency-Key`: a retry never redeems twice.
    """
    made = operations.redeem(current_user(), reward_id, data["delivery"], data["cabinet_id"])
    return queries.with_token(made)


@bp.route("/redemptions/mine", methods=["GET"])
@login_required
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(schemas.RedemptionSchema, "VolunteerRedemptionPage"))
@read_only
def my_redemptions(args):
    """我的兑换 The caller's redemptions

    Newest first, with their status: a counter redemption waiting carries its `qr_token` (draw it as a QR
    code for staff to scan); a locker one carries its `deposit_id` once the item is in the cabinet (the
    pickup code is in GET /lockers/deposits/mine).
    """
    items, cursor = queries.my_redemptions_page(current_user(), args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@bp.route("/redemptions/<id:redemption_id>/cancel", methods=["POST"])
@login_required
@errors(e.RedemptionNotFound, e.RedemptionInLocker, e.RedemptionNotReserved)
@bp.response(200, schemas.RedemptionSchema)
def cancel_mine(redemption_id):
    """取消兑换 Cancel a redemption

    Before it is handed over or put into a cabinet (409 REDEMPTION_IN_LOCKER then: collect it there):
    the points come back (a refund in the points ledger) and the item goes back on the shelf. Once only
    (409 REDEMPTION_NOT_RESERVED after).
    """
    user = current_user()
    redemption = queries.load_own_redemption(user, redemption_id)
    return queries.with_token(operations.cancel_own_redemption(user, redemption))


# -- staff ------------------------------------------------------------------------------------------


def staff_one(redemption):
    return queries.staff_view([redemption])[0]


@staff_bp.route("/redemptions", methods=["GET"])
@login_required
@staff_bp.arguments(schemas.QueueArgsSchema, location="query")
@staff_bp.response(200, page_schema(schemas.StaffRedemptionSchema, "StaffRedemptionPage"))
@read_only
def queue(args):
    """兑换队列 The redemptions of the caller's communities

    For whoever hands items over (`reward.fulfil`): by default those waiting (`reserved`), oldest first;
    `status` another status (newest first) or `all`. Names are masked; QR tokens are never shown.
    """
    items, cursor = queries.redemption_queue(current_staff(), args["status"], args["cursor"], args["limit"])
    return {"items": items, "next_cursor": cursor}


@staff_bp.route("/redemptions/fulfil", methods=["POST"])
@login_required
@errors(e.RedemptionNotFound, e.RedemptionInLocker, e.RedemptionNotReserved)
@staff_bp.arguments(schemas.FulfilByTokenSchema)
@staff_bp.response(200, schemas.StaffRedemptionSchema)
def fulfil_by_token(data):
    """扫码核销 Hand a redemption over by its QR code

    Staff (`reward.fulfil`) scan the QR code on the volunteer's phone and hand the item over: fulfilled
    once (two scanning at once: the second gets 409 REDEMPTION_NOT_RESERVED). A token naming no
    redemption of the caller's communities answers 404 REDEMPTION_NOT_FOUND; an item waiting in a
    cabinet 409 REDEMPTION_IN_LOCKER. Audited.
    """
    return staff_one(operations.fulfil_by_token(current_staff(), data["token"]))


@staff_bp.route("/redemptions/<id:redemption_id>/fulfil", methods=["POST"])
@login_required
@errors(e.RedemptionNotFound, e.RedemptionInLocker, e.RedemptionNotReserved)
@staff_bp.response(200, schemas.StaffRedemptionSchema)
def fulfil(redemption_id):
    """核销 Hand a redemption over by its id

    When the volunteer cannot show the QR code (staff check who they are): as scanning it. Audited.
    """
    redemption = queries.load_redemption(current_staff(), redemption_id)
    return staff_one(operations.fulfil_redemption(current_staff(), redemption))


@staff_bp.route("/redemptions/<id:redemption_id>/deposit", methods=["POST"])
@login_required
@errors(
    e.RedemptionNotFound,
    e.RedemptionCabinetNotFound,
    e.RedemptionNotLocker,
    e.RedemptionNotReserved,
    e.RedemptionInLocker,
    NoCompartment,
    CabinetDisabled,
    RecipientNotResident,
)
@staff_bp.arguments(schemas.RedemptionDepositSchema)
@staff_bp.response(200, schemas.StaffRedemptionSchema)
def deposit(data, redemption_id):
    """存入云柜 Put a locker redemption's item into a cabinet

    Into a cabinet of the redemption's community (`cabinet_id`, default the one the volunteer chose):
    the volunteer is told and gets the pickup code like any locker item; the pickup completes the
    redemption. No free compartment of the reward's size: 409 NO_COMPARTMENT. Audited.
    """
    redemption = queries.load_redemption(current_staff(), redemption_id)
    return staff_one(operations.deposit_redemption(current_staff(), redemption, data["cabinet_id"]))


@staff_bp.route("/redemptions/<id:redemption_id>/cancel", methods=["POST"])
@login_required
@errors(e.RedemptionNotFound, e.CancelReasonRequired, e.RedemptionNotReserved, DepositNotWaiting)
@staff_bp.arguments(schemas.StaffCancelSchema)
@staff_bp.response(200, schemas.StaffRedemptionSchema)
def cancel(data, redemption_id):
    """取消兑换 Cancel a redemption, saying why

    Before it is handed over: an item waiting in a cabinet is taken back with it, the points go back to
    the volunteer (a refund in the ledger), the item back on the shelf, and the volunteer is told the
    reason. Audited.
    """
    redemption = queries.load_redemption(current_staff(), redemption_id)
    return staff_one(operations.cancel_redemption(current_staff(), redemption, data["reason"]))
