"""WeChat: the gateway to WeChat's server API (wechatpy) and the local stand-in for that API."""

from cloudplatform.wechat.errors import (
    PhoneCodeInvalid,
    WeChatCodeInvalid,
    WeChatCodeUsed,
    WeChatError,
    WeChatNoConsent,
    WeChatRateLimited,
    WeChatUnavailable,
    WeChatUserRisky,
)
from cloudplatform.wechat.gateway import Gateway, LoginResult, close_gateway, gateway_for, get_gateway

__all__ = [
    "Gateway",
    "LoginResult",
    "PhoneCodeInvalid",
    "WeChatCodeInvalid",
    "WeChatCodeUsed",
    "WeChatError",
    "WeChatNoConsent",
    "WeChatRateLimited",
    "WeChatUnavailable",
    "WeChatUserRisky",
    "close_gateway",
    "gateway_for",
    "get_gateway",
]
