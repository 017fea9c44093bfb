"""Subscribe messages: ``cgi-bin/message/subscribe/send`` checks a message and records it."""

from datetime import UTC, datetime

from flask import Blueprint

from cloudplatform.wechat.standin.wx import body, needs_token, state, wx_error, wx_ok

bp = Blueprint("standin_messages", __name__)


@bp.post("/cgi-bin/message/subscribe/send")
@needs_token
def subscribe_send():
    data = body()
    if not data:
        return wx_error(44002)
    if not data.get("touser"):
        return wx_error(40003)
    if not data.get("template_id"):
        return wx_error(40037)
    fields = data.get("data")
    if not isinstance(fields, dict) or not fields:
        return wx_error(47003, "argument invalid! data is empty")
    for key, value in fields.items():
        if not isinstance(value, dict) or not isinstance(value.get("value"), str):
            return wx_error(47003, f"argument invalid! data.{key}.value invalid")
    msgid = state().record_message(
        {
            "touser": data["touser"],
            "template_id": data["template_id"],
            "data": fields,
            "page": data.get("page"),
            "miniprogram_state": data.get("miniprogram_state", "formal"),
            "time": datetime.now(UTC).isoformat(),
        }
    )
    return wx_ok(msgid=msgid)
