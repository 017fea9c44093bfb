"""Access tokens: ``cgi-bin/token`` (each fetch replaces the last) and ``cgi-bin/stable_token``."""

from flask import Blueprint, jsonify, request

from cloudplatform.wechat.standin.wx import body, state, wx_error

bp = Blueprint("standin_tokens", __name__)


def credentials_error(data) -> int | None:
    if data.get("grant_type") != "client_credential":
        return 40002
    if data.get("appid") != state().appid:
        return 40013
    if data.get("secret") != state().secret:
        return 40125
    return None


@bp.get("/cgi-bin/token")
def token():
    errcode = credentials_error(request.args)
    if errcode:
        return wx_error(errcode)
    access_token, expires_in = state().plain()
    return jsonify(access_token=access_token, expires_in=expires_in)


@bp.post("/cgi-bin/stable_token")
def stable_token():
    data = body()
    errcode = credentials_error(data)
    if errcode:
        return wx_error(errcode)
    access_token, expires_in = state().stable(bool(data.get("force_refresh")))
    return jsonify(access_token=access_token, expires_in=expires_in)
