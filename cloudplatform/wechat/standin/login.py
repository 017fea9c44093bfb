"""Login: ``sns/jscode2session`` exchanges a ``dev:<name>`` code (once) for that user's openid."""

import base64
import re
import secrets

from flask import Blueprint, jsonify, request

from cloudplatform.wechat.standin.state import openid_for, unionid_for
from cloudplatform.wechat.standin.wx import state, wx_error

bp = Blueprint("standin_login", __name__)

LOGIN_CODE = re.compile(r"dev:([^:\s]{1,64})(?::\S{1,64})?")


@bp.get("/sns/jscode2session")
def jscode2session():
    args, standin = request.args, state()
    if args.get("appid") != standin.appid:
        return wx_error(40013)
    if args.get("secret") != standin.secret:
        return wx_error(40125)
    if args.get("grant_type") != "authorization_code":
        return wx_error(40002)
    code = args.get("js_code") or ""
    if not code:
        return wx_error(41008)
    match = LOGIN_CODE.fullmatch(code)
    if not match:
        return wx_error(40029)
    if not standin.spend_code(code):
        return wx_error(40163)
    name = match.group(1)
    return jsonify(
        openid=openid_for(standin.appid, name),
        unionid=unionid_for(name),
        session_key=base64.b64encode(secrets.token_bytes(16)).decode(),
    )
