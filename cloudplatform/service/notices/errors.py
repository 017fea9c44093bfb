"""The errors of 通知公告. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, Forbidden, NotFound, Unprocessable


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


class BroadcastNotFound(NotFound):
    """(Console) No such street or city notice among the staff member's communities."""

    code, message = "BROADCAST_NOT_FOUND", "该统一发布的通知不存在"


class StreetNotFound(NotFound):
    """(Console) No such street in the staff member's scope (a street admin names only its own)."""

    code, message = "STREET_NOT_FOUND", "街道不存在"


class BroadcastNotAllowed(Forbidden):
    """(Console) Only a street admin (to its street) or a city admin (to a street or the city) publishes
    to many communities at once, and only they withdraw such a notice."""

    code, message = "BROADCAST_NOT_ALLOWED", "只有街道或市级管理员可以统一发布或撤回街道、全市通知"


class InvalidBroadcastScope(Unprocessable):
    """(Console) A street or city notice is for one street (``street``) or the whole city (``city``)."""

    code, message = "INVALID_BROADCAST_SCOPE", "发布范围无效"


class BroadcastCopy(Conflict):
    """(Console) A community's copy of a street or city notice is withdrawn only with the whole notice."""

    code, message = "BROADCAST_COPY", "这是街道或全市统一发布的通知，只能由发布方整体撤回"
