"""Content security: ``wxa/msg_sec_check``, v1 (87014 for risky text) and v2 (a verdict).

v2: 40003 an openid that is not a WeChat user's, 43104 another app's openid, 40129 a scene outside
1-4, 40097 content over 2,500 characters; 61010 (the user has not used the mini-program lately) only
when scripted through ``/_standin/failures``.
"""

import secrets

from flask import Blueprint

from cloudplatform.wechat.standin.state import OTHER_APP, UNKNOWN, openid_status
from cloudplatform.wechat.standin.wx import body, needs_token, state, wx_error, wx_ok

bp = Blueprint("standin_security", __name__)

CONTENT_MAX = 2500


@bp.post("/wxa/msg_sec_check")
@needs_token
def msg_sec_check():
    data = body()
    content = data.get("content")
    if not isinstance(content, str):
        return wx_error(40097, "invalid args: content")
    suggest, word = state().verdict(content)
    if data.get("version") != 2:  # v1: an error for risky content, nothing else
        return wx_error(87014) if suggest == "risky" else wx_ok()
    status = openid_status(data.get("openid"), state().appid)
    if status == UNKNOWN:
        return wx_error(40003)
    if status == OTHER_APP:
        return wx_error(43104)
    if data.get("scene") not in (1, 2, 3, 4):
        return wx_error(40129)
    if len(content) > CONTENT_MAX:
        return wx_error(40097, "invalid args: content too long")
    label = 100 if suggest == "pass" else 21000
    detail = [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90}]
    if word:
        detail.append(
            {
                "strategy": "keyword",
                "errcode": 0,
                "suggest": suggest,
                "label": label,
                "level": 20,
                "keyword": word,
            }
        )
    return wx_ok(result={"suggest": suggest, "label": label}, detail=detail, trace_id=secrets.token_hex(8))
