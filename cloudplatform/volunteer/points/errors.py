"""The errors of the points ledger. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict


class InsufficientPoints(Conflict):
    """A debit larger than the balance: the balance never goes below zero."""

    code, message = "POINTS_INSUFFICIENT", "积分余额不足"
