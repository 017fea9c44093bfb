"""The errors of 通知公告. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, NotFound, Unprocessable


class NoticeNotFound(NotFound):
    """No such notice for the caller: withdrawn, expired, not out yet, or for another audience."""

    code, message = "NOTICE_NOT_FOUND", "通知不存在或已撤回"


class AlreadyWithdrawn(Conflict):
    """(Console) The notice was withdrawn already."""

    code, message = "ALREADY_WITHDRAWN", "该通知已撤回"


class InvalidAudience(Unprocessable):
    """(Console) Not one of the audiences (all, party_members, volunteers, grids, buildings)."""

    code, message = "INVALID_AUDIENCE", "通知对象无效"


class TargetsRequired(Unprocessable):
    """(Console) A notice for grids or buildings names at least one of them."""

    code, message = "TARGETS_REQUIRED", "请至少选择一个网格或楼栋"


class TargetsNotAllowed(Unprocessable):
    """(Console) Grids or buildings are chosen only for a notice to grids or buildings."""

    code, message = "TARGETS_NOT_ALLOWED", "只有按网格或楼栋发布时才能选择网格或楼栋"


class ExpiryBeforePublish(Unprocessable):
    """(Console) The expiry time is not after the publish time."""

    code, message = "EXPIRY_BEFORE_PUBLISH", "到期时间应晚于发布时间"


class ExpiryPassed(Unprocessable):
    """(Console) The expiry time has passed."""

    code, message = "EXPIRY_PASSED", "到期时间已过"


class InvalidAttachments(Unprocessable):
    """(Console) Too many attachments, or one without a name or an https address."""

    code, message = "INVALID_ATTACHMENTS", "附件无效"
