"""What a WeChat call can fail with, as the project's AppErrors (status, stable code, Chinese message).

Every class keeps the WeChat ``errcode`` (``None`` for network failures) and ``errmsg`` that caused it,
for logs and the outbox; neither goes into the client-facing envelope. ``permanent`` tells a refusal
(the same request gets the same answer: never retried) from an outage (busy, unreachable, rate-limited:
worth trying again later).
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

# WeChat's errcodes in Chinese, for staff reading the outbox
ERRCODE_MEANINGS = {
    -1: "微信系统繁忙",
    40001: "access_token 无效或已过期",
    40003: "openid 无效（不是本小程序的用户）",
    40029: "code 无效或已过期",
    40037: "订阅消息模板 ID 无效",
    40129: "内容安全检测场景值无效",
    40163: "code 已被使用",
    40164: "调用接口的 IP 不在白名单中",
    40169: "小程序码 scene 参数不合规（最多 32 个字符）",
    40226: "高风险用户，登录被拦截",
    41030: "页面不存在或小程序尚未发布该页面",
    43101: "用户未订阅该消息或已拒收",
    43104: "appid 与 openid 不匹配",
    44991: "接口调用超过每分钟限额",
    45009: "接口调用超过限额",
    45011: "接口调用过于频繁",
    47003: "模板参数不符合规则（字段类型或长度不对）",
    61010: "用户近期未访问小程序",
    87014: "内容含有违法违规信息",
}


def errcode_meaning(errcode: int | None) -> str:
    """The Chinese meaning of a WeChat errcode ("" for none, "未知错误" for one not listed)."""
    if errcode is None:
        return ""
    return ERRCODE_MEANINGS.get(errcode, "未知错误")


class WeChatError(AppError):
    """Base of every failure of a WeChat call."""

    permanent = False

    def __init__(
        self, message: str | None = None, *, errcode: int | None = None, errmsg: str | None = None, **kwargs
    ):
        super().__init__(message, **kwargs)
        self.errcode, self.errmsg = errcode, errmsg


class WeChatRefused(WeChatError):
    """WeChat refused the request for good, and nothing the user does changes that: a wrong template,
    value, page or scene (a fault of ours, never retried)."""

    status, code, message = 502, "WECHAT_REFUSED", "微信拒绝了该请求，请联系社区工作人员"
    permanent = True


class WeChatMessageInvalid(WeChatRefused):
    """47003: a value breaks its keyword's type rule, or a key is not in the template."""

    code, message = "WECHAT_MESSAGE_INVALID", "消息内容不符合微信模板要求"


class WeChatTemplateInvalid(WeChatRefused):
    """40037: WeChat knows no such subscribe-message template (WECHAT_TEMPLATES is wrong)."""

    code, message = "WECHAT_TEMPLATE_INVALID", "微信消息模板无效"


class WeChatOpenidInvalid(WeChatRefused):
    """40003: the openid is not a user of this mini-program."""

    code, message = "WECHAT_OPENID_INVALID", "微信用户标识无效"


class WeChatPageInvalid(WeChatRefused):
    """41030: the page does not exist in the released mini-program, or carries a query where none is
    allowed (mini-program codes)."""

    code, message = "WECHAT_PAGE_INVALID", "小程序页面不存在或尚未发布"


class WeChatSceneInvalid(WeChatRefused):
    """40169: a mini-program code's scene is too long or has characters WeChat does not allow."""

    code, message = "WECHAT_SCENE_INVALID", "小程序码参数不符合微信要求"


class WeChatCodeInvalid(WeChatError, Unauthorized):
    """40029: the wx.login code is unknown or expired; the mini-program logs in again."""

    status, code, message = 401, "WECHAT_CODE_INVALID", "微信登录凭证无效，请重新登录"
    permanent = True


class WeChatCodeUsed(WeChatError, Unauthorized):
    """40163: the wx.login code was already exchanged; the mini-program logs in again."""

    status, code, message = 401, "WECHAT_CODE_USED", "微信登录凭证已被使用，请重新登录"
    permanent = True


class WeChatOpenidMismatch(WeChatError, Unauthorized):
    """43104: the user's openid belongs to another app than WECHAT_APPID (the app id was changed);
    logging in again gives an openid of this app."""

    status, code, message = 401, "WECHAT_OPENID_MISMATCH", "微信账号与本小程序不匹配，请重新登录"
    permanent = True


class WeChatRateLimited(WeChatError, RateLimited):
    """45011, 45009, 44991: WeChat's own frequency limits for this API."""

    status, code, message = 429, "WECHAT_RATE_LIMITED", "微信接口调用过于频繁，请稍后再试"


class WeChatUserRisky(WeChatError, Forbidden):
    """40226: WeChat flags the user as high-risk and refuses the login."""

    status, code, message = 403, "WECHAT_USER_RISKY", "该微信账号存在安全风险，暂时无法登录"
    permanent = True


class WeChatUserInactive(WeChatError, Forbidden):
    """61010: content security refuses to judge for a user who has not opened the mini-program lately
    (about two hours); reopening it lets them submit again."""

    status, code, message = 403, "WECHAT_USER_INACTIVE", "您近期未使用小程序，请重新打开小程序后再提交"
    permanent = True


class WeChatUnavailable(WeChatError, ServiceUnavailable):
    """WeChat busy twice (-1), unreachable, timed out, HTTP 5xx, no access token, or an unexpected
    errcode."""

    status, code, message = 503, "WECHAT_UNAVAILABLE", "微信服务暂时不可用，请稍后再试"


class PhoneCodeInvalid(WeChatError, Unprocessable):
    """The getPhoneNumber code is unknown, expired or used (40029 / 40163 on that API)."""

    status, code, message = 422, "PHONE_CODE_INVALID", "手机号授权已失效，请重新授权"
    permanent = True


class WeChatNoConsent(WeChatError, Conflict):
    """(Outbox) 43101 on a subscribe message: the user has no unused consent; the message is skipped."""

    status, code, message = 409, "WECHAT_NO_CONSENT", "用户未订阅该消息"
    permanent = True
