"""Phone numbers: ``wxa/business/getuserphonenumber`` turns a phone code (once) into its number.

``phone:<11 digits>`` is a mainland number (country code 86); ``phone:+<country code>-<digits>``
(``phone:+852-61234567``) a foreign one, whose ``phoneNumber`` carries the country code as WeChat's
does; ``purePhoneNumber`` never does. Any other code, or one used before, is 40029.
"""

import re
import time

from flask import Blueprint

from cloudplatform.wechat.standin.wx import body, needs_token, state, wx_error, wx_ok

bp = Blueprint("standin_phone", __name__)

PHONE_CODE = re.compile(r"phone:(?:(\d{11})|\+([1-9]\d{0,2})-(\d{4,14}))(?::\S{1,64})?")
MAINLAND = "86"


@bp.post("/wxa/business/getuserphonenumber")
@needs_token
def getuserphonenumber():
    code = body().get("code") or ""
    if not code:
        return wx_error(41008)
    match = PHONE_CODE.fullmatch(code)
    if not match or not state().spend_code(code):
        return wx_error(40029)
    mainland, country_code, foreign = match.groups()
    if mainland:
        country_code, pure, number = MAINLAND, mainland, mainland
    else:
        pure, number = foreign, f"+{country_code}{foreign}"
    return wx_ok(
        phone_info={
            "phoneNumber": number,
            "purePhoneNumber": pure,
            "countryCode": country_code,
            "watermark": {"timestamp": int(time.time()), "appid": state().appid},
        }
    )
