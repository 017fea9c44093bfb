"""What a WeChat call can fail with, as the project's AppErrors (status, stable code, Chinese message).

Every class keeps the WeChat ``errcode`` that caused it (``None`` for network failures) for logs and
callers; it never goes into the client-facing envelope.
"""

from cloudplatform.errors import (
    AppError,
    Conflict,
    Forbidden,
    RateLimited,
    ServiceUnavailable,
    Unauthorized,
    Unprocessable,
)


class WeChatError(AppError):
    """Base of every failure of a WeChat call."""

    def __init__(self, message: str | None = None, *, errcode: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.errcode = errcode


class WeChatCodeInvalid(WeChatError, Unauthorized):
    """40029: the wx.login code is unknown or expired; the mini-program logs in again."""

    status, code, message = 401, "WECHAT_CODE_INVALID", "微信登录凭证无效，请重新登录"


class WeChatCodeUsed(WeChatError, Unauthorized):
    """40163: the wx.login code was already exchanged; the mini-program logs in again."""

    status, code, message = 401, "WECHAT_CODE_USED", "微信登录凭证已被使用，请重新登录"


class WeChatRateLimited(WeChatError, RateLimited):
    """45011: WeChat's own frequency limit for this API."""

    status, code, message = 429, "WECHAT_RATE_LIMITED", "微信接口调用过于频繁，请稍后再试"


class WeChatUserRisky(WeChatError, Forbidden):
    """40226: WeChat flags the user as high-risk and refuses the login."""

    status, code, message = 403, "WECHAT_USER_RISKY", "该微信账号存在安全风险，暂时无法登录"


class WeChatUnavailable(WeChatError, ServiceUnavailable):
    """WeChat busy twice (-1), unreachable, timed out, no access token, or an unexpected errcode."""

    status, code, message = 503, "WECHAT_UNAVAILABLE", "微信服务暂时不可用，请稍后再试"


class PhoneCodeInvalid(WeChatError, Unprocessable):
    """The getPhoneNumber code is unknown, expired or used (40029 / 40163 on that API)."""

    status, code, message = 422, "PHONE_CODE_INVALID", "手机号授权已失效，请重新授权"


class WeChatNoConsent(WeChatError, Conflict):
    """(Outbox) 43101 on a subscribe message: the user has no unused consent; the message is skipped."""

    status, code, message = 409, "WECHAT_NO_CONSENT", "用户未订阅该消息"
