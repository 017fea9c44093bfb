"""Subscribe messages: ``cgi-bin/message/subscribe/send`` refuses what WeChat refuses, records the rest.

40003 an openid that is not this app's; 40037 a template id the app did not declare; 41030 a page
(its path; a query is allowed here) not in the released pages; 47003 a key not in the template, a
keyword left out, or a value breaking its type's rule (:mod:`.keywords`), naming the field; 43101 no
unused one-time consent of the user for the template, where the stand-in was told of the user's consents
(``POST /_standin/consents``): a delivered message uses one up, as on WeChat.
"""

from datetime import UTC, datetime

from flask import Blueprint

from cloudplatform.wechat.standin.keywords import kind_of, value_valid
from cloudplatform.wechat.standin.state import OPENID_OK, openid_status
from cloudplatform.wechat.standin.wx import body, needs_token, state, wx_error, wx_ok

bp = Blueprint("standin_messages", __name__)

MINIPROGRAM_STATES = ("formal", "trial", "developer")


def invalid(field: str):
    return wx_error(47003, f"argument invalid! {field} invalid")


def data_error(fields, keywords: dict | None):
    """The 47003 answer for the first field WeChat refuses, or None."""
    if not isinstance(fields, dict) or not fields:
        return wx_error(47003, "argument invalid! data is empty")
    for key, value in fields.items():
        if keywords is not None and key not in keywords:
            return invalid(f"data.{key}")
        kind = keywords[key] if keywords is not None else kind_of(key)
        if not isinstance(value, dict) or not value_valid(kind, value.get("value")):
            return invalid(f"data.{key}.value")
    for key in keywords or ():
        if key not in fields:
            return invalid(f"data.{key}.value")
    return None


@bp.post("/cgi-bin/message/subscribe/send")
@needs_token
def subscribe_send():
    data, standin = body(), state()
    if not data:
        return wx_error(44002)
    if openid_status(data.get("touser"), standin.appid) != OPENID_OK:
        return wx_error(40003)
    template_id, templates = data.get("template_id"), standin.templates
    if not isinstance(template_id, str) or not template_id:
        return wx_error(40037)
    if templates is not None and template_id not in templates:
        return wx_error(40037)
    page = data.get("page")
    if page is not None and not standin.page_released(str(page).split("?", 1)[0]):
        return wx_error(41030)
    if data.get("miniprogram_state", "formal") not in MINIPROGRAM_STATES:
        return invalid("miniprogram_state")
    refusal = data_error(data.get("data"), templates[template_id] if templates is not None else None)
    if refusal is not None:
        return refusal
    msgid = standin.deliver_message(
        {
            "touser": data["touser"],
            "template_id": template_id,
            "data": data["data"],
            "page": page,
            "miniprogram_state": data.get("miniprogram_state", "formal"),
            "lang": data.get("lang", "zh_CN"),
            "time": datetime.now(UTC).isoformat(),
        }
    )
    if msgid is None:
        return wx_error(43101)
    return wx_ok(msgid=msgid)
