"""The errors of the 爱心超市 (rewards and redemptions). Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, Forbidden, NotFound, Unprocessable


class RewardNotFound(NotFound):
    """No such reward offered in the caller's community (or in the staff member's communities)."""

    code, message = "REWARD_NOT_FOUND", "兑换物品不存在"


class RedemptionNotFound(NotFound):
    """No such redemption of the caller (or, for staff, in their communities; a token that names none)."""

    code, message = "REDEMPTION_NOT_FOUND", "兑换记录不存在"


class InvalidRewardFields(Unprocessable):
    """A reward's field is missing or out of range (``details.fields`` names it)."""

    code, message = "INVALID_REWARD_FIELDS", "兑换物品信息填写有误"


class RewardOffShelf(Conflict):
    """The reward was taken off the shelf: it cannot be redeemed until it is put back."""

    code, message = "REWARD_OFF_SHELF", "该物品已下架"


class RewardSoldOut(Conflict):
    """No stock left of the reward: nothing was taken."""

    code, message = "REWARD_SOLD_OUT", "该物品已兑完"


class RedemptionLimitReached(Conflict):
    """The caller has redeemed as many of this reward in its period (month, year, ever) as one person may
    (``details``: the limit and the period)."""

    code, message = "REDEMPTION_LIMIT_REACHED", "已达到该物品的兑换次数上限"


class LockerNotOffered(Conflict):
    """The reward is handed over at the counter only (it has no locker size), or the community has no
    cabinet in use."""

    code, message = "REWARD_LOCKER_NOT_OFFERED", "该物品不支持云柜领取，请选择到站领取"


class RedemptionVolunteerSuspended(Forbidden):
    """A suspended volunteer cannot redeem points until reinstated."""

    code, message = "REDEMPTION_VOLUNTEER_SUSPENDED", "志愿者身份已暂停，暂不能兑换"


class RedemptionNotReserved(Conflict):
    """The redemption was fulfilled, cancelled or not collected already (two staff scanning one QR code at
    once: the second gets this)."""

    code, message = "REDEMPTION_NOT_RESERVED", "该兑换已领取或已取消"


class RedemptionInLocker(Conflict):
    """The item is in a cabinet for the volunteer: it is collected there with the pickup code (staff may
    cancel it, taking the item back out)."""

    code, message = "REDEMPTION_IN_LOCKER", "物品已存入云柜，请凭取件码领取"


class RedemptionNotLocker(Conflict):
    """Only a redemption to be collected from a locker is put into a cabinet."""

    code, message = "REDEMPTION_NOT_LOCKER", "该兑换为到站领取，无需存柜"


class RedemptionCabinetNotFound(NotFound):
    """No such cabinet in use in the redemption's community."""

    code, message = "REDEMPTION_CABINET_NOT_FOUND", "云柜不存在"


class CancelReasonRequired(Unprocessable):
    """Staff say why they cancel a redemption (at most 200 characters); the volunteer is told."""

    code, message = "REDEMPTION_CANCEL_REASON_REQUIRED", "请填写取消原因（200字以内）"


class InvalidRestock(Unprocessable):
    """A restock of zero, more than 10,000 either way, or taking more than is in stock."""

    code, message = "INVALID_RESTOCK", "库存调整数量有误"
