"""The errors of 云柜. Their codes are part of the API contract (the mini-program and the cabinets switch
on them). The device refusals of a signature live in ``cloudplatform.locker.signing``."""

from cloudplatform.errors import AppError, Conflict, NotFound, Unprocessable


class CabinetNotFound(NotFound):
    """No such cabinet, or not one of the caller's communities'."""

    code, message = "CABINET_NOT_FOUND", "云柜不存在"


class DepositNotFound(NotFound):
    """No such deposit, or not the caller's (or, for staff, not in their communities)."""

    code, message = "DEPOSIT_NOT_FOUND", "存件不存在"


class RecipientNotResident(Unprocessable):
    """The recipient is not a verified resident of the cabinet's community."""

    code, message = "RECIPIENT_NOT_RESIDENT", "收件人不是该云柜所在社区的居民"


class NoCompartment(Conflict):
    """No compartment of the asked size or larger is free in this cabinet now."""

    code, message = "NO_COMPARTMENT", "该云柜暂无合适的空闲格口"


class CodeRefused(AppError):
    """(Device) The code or QR token opens nothing at this cabinet. The one answer to every wrong, used,
    expired or foreign code, so that it never tells which; each counts towards the cabinet's lockout."""

    status, code, message = 403, "CODE_REFUSED", "取件码无效"


class CabinetLocked(AppError):
    """(Device) Too many wrong codes at this cabinet in the last hour: code entry is refused until the
    lockout ends (``Retry-After`` seconds, also ``details.retry_after``)."""

    status, code, message = 423, "CABINET_LOCKED", "错误次数过多，请稍后再试"

    def __init__(self, retry_after: int):
        super().__init__(details={"retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class DepositNotWaiting(Conflict):
    """The deposit no longer waits for its recipient (picked up, opening, expired or cancelled)."""

    code, message = "DEPOSIT_NOT_WAITING", "该存件已不在待取件状态"


class DepositNotExpired(Conflict):
    """Only an expired deposit is retrieved by staff, once."""

    code, message = "DEPOSIT_NOT_EXPIRED", "该存件未过期或已在回收中"


class CodeUnavailable(Conflict):
    """A code unique among the cabinet's live deposits could not be drawn; try again."""

    code, message = "CODE_UNAVAILABLE", "取件码生成失败，请重试"
