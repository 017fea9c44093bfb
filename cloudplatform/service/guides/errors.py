"""The errors of 办事指南. Their codes are part of the API contract."""

from cloudplatform.errors import NotFound, Unprocessable


class GuideNotFound(NotFound):
    """No such guide, or it is not published."""

    code, message = "GUIDE_NOT_FOUND", "办事指南不存在"


class BookableNotInCommunity(Unprocessable):
    """(Console) A guide links only to a service of its own community."""

    code, message = "BOOKABLE_NOT_IN_COMMUNITY", "关联的预约事项不属于该社区"


class TooManyAttachments(Unprocessable):
    """(Console) A guide holds at most 10 attached files."""

    code, message = "TOO_MANY_ATTACHMENTS", "附件最多 10 个"
