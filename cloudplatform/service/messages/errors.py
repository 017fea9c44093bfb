"""The errors of 建言献策 and 信箱留言. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, NotFound


class MessageNotFound(NotFound):
    """No such message, or not the caller's (for staff: not in their communities)."""

    code, message = "MESSAGE_NOT_FOUND", "留言不存在"


class AlreadyReplied(Conflict):
    """The message has its reply already."""

    code, message = "ALREADY_REPLIED", "该留言已回复"


class PublishRefused(Conflict):
    """Only a replied suggestion whose author consented is published."""

    code, message = "PUBLISH_REFUSED", "仅作者同意公开且已回复的建言可以公开"
