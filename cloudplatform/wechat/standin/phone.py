"""Phone numbers: ``wxa/business/getuserphonenumber`` turns a ``phone:<11 digits>`` code (once) into it."""

import re
import time

from flask import Blueprint

from cloudplatform.wechat.standin.wx import body, needs_token, state, wx_error, wx_ok

bp = Blueprint("standin_phone", __name__)

PHONE_CODE = re.compile(r"phone:(\d{11})")


@bp.post("/wxa/business/getuserphonenumber")
@needs_token
def getuserphonenumber():
    code = body().get("code") or ""
    if not code:
        return wx_error(41008)
    match = PHONE_CODE.fullmatch(code)
    if not match or not state().spend_code(code):
        return wx_error(40029)
    number = match.group(1)
    return wx_ok(
        phone_info={
            "phoneNumber": number,
            "purePhoneNumber": number,
            "countryCode": "86",
            "watermark": {"timestamp": int(time.time()), "appid": state().appid},
        }
    )
