"""The errors of the points ledger. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, NotFound, Unprocessable


class InsufficientPoints(Conflict):
    """A debit larger than the balance: the balance never goes below zero."""

    code, message = "POINTS_INSUFFICIENT", "积分余额不足"


class RefundTooLarge(Conflict):
    """A refund larger than what the redemption took and was not refunded yet."""

    code, message = "POINTS_REFUND_TOO_LARGE", "退还积分超过该兑换扣除的积分"


class InvalidPointRule(Unprocessable):
    """A points rule's field is out of range (``details.fields`` names it)."""

    code, message = "INVALID_POINT_RULE", "积分规则填写有误"


class InvalidPointsAmount(Unprocessable):
    """An amount of points that is zero, negative where a positive one is needed, or too large."""

    code, message = "INVALID_POINTS_AMOUNT", "积分数量有误"


class PointsReasonRequired(Unprocessable):
    """An adjustment of points says why, in at most 200 characters."""

    code, message = "POINTS_REASON_REQUIRED", "请填写积分调整原因（200字以内）"


class PointsVolunteerNotFound(NotFound):
    """No volunteer of that user in the staff member's communities."""

    code, message = "POINTS_VOLUNTEER_NOT_FOUND", "志愿者不存在"
