"""WeChat's answer shapes, shared by every API family of the stand-in."""

from functools import wraps

from flask import current_app, jsonify, request

from cloudplatform.wechat.standin.state import StandinState

EXTENSION_KEY = "wechat_standin"
ERRMSGS = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40013: "invalid appid",
    40029: "invalid code",
    40037: "invalid template_id",
    40097: "invalid args",
    40125: "invalid appsecret",
    40129: "invalid scene",
    40163: "code been used",
    40169: "invalid length for scene, or the data is not json string",
    40226: "high risk user",
    41001: "access_token missing",
    41008: "missing code",
    41030: "invalid page",
    43101: "user refuse to accept the msg",
    43104: "appid and openid not match",
    44002: "empty post data",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
    47003: "argument invalid!",
    61010: "user access record timeout",
    87014: "risky content",
}


def wx_error(errcode: int, errmsg: str | None = None):
    """WeChat's error answer: HTTP 200 with ``errcode`` and ``errmsg``."""
    return jsonify(errcode=errcode, errmsg=(errmsg or ERRMSGS.get(errcode, "error")) + " (stand-in)")


def wx_ok(**fields):
    return jsonify(errcode=0, errmsg="ok", **fields)


def state() -> StandinState:
    """The state of the stand-in serving this request."""
    return current_app.extensions[EXTENSION_KEY]


def body() -> dict:
    """The request's JSON object, or {} (wechatpy sends JSON without a content type)."""
    data = request.get_json(force=True, silent=True)
    return data if isinstance(data, dict) else {}


def needs_token(view):
    """Answer 41001 without an access token and 40001 for an unknown or expired one."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        token = request.args.get("access_token")
        if not token:
            return wx_error(41001)
        if not state().token_valid(token):
            return wx_error(40001)
        return view(*args, **kwargs)

    return wrapper
