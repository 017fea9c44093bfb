"""``/_standin/``: scripting failures, expiring tokens, and what the stand-in was asked to send."""

from flask import Blueprint, Response, g, jsonify, request

from cloudplatform.wechat.standin.wx import body, state, wx_error

bp = Blueprint("standin_control", __name__, url_prefix="/_standin")

DEFAULT_STALL = 30.0  # seconds an errcode "timeout" failure holds its answer (woken early by reset)


@bp.before_app_request
def scripted_failure():
    """Answer a scripted failure for this path instead of the real answer, while it lasts."""
    path = request.path.strip("/")
    if path.startswith("_standin"):
        return None
    failure = state().take_failure(path)
    if failure is None:
        return None
    errcode, stall, wake = failure
    if errcode == "timeout":
        wake.wait(stall)
        return wx_error(-1)
    if errcode == "timeout_after":  # carried out (a message delivered), then the answer stalls
        g.stall_answer = (stall, wake)
        return None
    if errcode == "http_error":
        return Response("bad gateway (stand-in)", status=502, mimetype="text/plain")
    return wx_error(errcode)


@bp.after_app_request
def stalled_answer(response):
    """Hold the answer of a call scripted ``timeout_after`` (done at WeChat, its answer lost)."""
    stall = g.pop("stall_answer", None)
    if stall is not None:
        stall[1].wait(stall[0])
    return response


@bp.get("/")
def help_page():
    standin = state()
    return jsonify(
        login_codes="dev:<name> or dev:<name>:<nonce>; each code works once",
        phone_codes="phone:<11 digits> or phone:+<cc>-<digits> (:<nonce> for a fresh one); each works once",
        risky_words=list(standin.risky_words),
        review_words=list(standin.review_words),
        templates=standin.templates,
        pages=sorted(standin.pages) if standin.pages is not None else None,
        control=[
            "POST failures",
            "POST consents {touser, template_id, count}",
            "GET consents",
            "POST expire-tokens",
            "POST wxacode {format: jpeg|png}",
            "GET messages",
            "GET stats",
            "POST reset",
        ],
    )


@bp.post("/failures")
def script_failure():
    data = body()
    path = str(data.get("path") or "").strip("/")
    errcode = data.get("errcode")
    times, after = data.get("times", 1), data.get("after", 0)
    stall = data.get("stall", DEFAULT_STALL)
    valid_errcode = errcode in ("timeout", "timeout_after", "http_error") or (
        isinstance(errcode, int) and not isinstance(errcode, bool)
    )
    if not path or not valid_errcode or not isinstance(times, int) or times < 1:
        return jsonify(
            error="need path, errcode (int, 'timeout', 'timeout_after' or 'http_error') and times >= 1"
        ), 400
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        return jsonify(error="after must be a count of calls >= 0"), 400
    if not isinstance(stall, int | float) or not 0 <= stall <= 600:
        return jsonify(error="stall must be 0-600 seconds"), 400
    state().add_failure(path, errcode, times, float(stall), after)
    return jsonify(path=path, errcode=errcode, times=times, after=after)


@bp.post("/consents")
def add_consents():
    """The user accepting a template in wx.requestSubscribeMessage ``count`` times (WeChat's side)."""
    data = body()
    touser, template_id, count = data.get("touser"), data.get("template_id"), data.get("count", 1)
    if not isinstance(touser, str) or not isinstance(template_id, str) or not touser or not template_id:
        return jsonify(error="need touser and template_id"), 400
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return jsonify(error="count must be >= 1"), 400
    remaining = state().add_consents(touser, template_id, count)
    return jsonify(touser=touser, template_id=template_id, remaining=remaining)


@bp.get("/consents")
def consents():
    return jsonify(items=state().consent_balances())


@bp.post("/wxacode")
def wxacode_format():
    image_format = body().get("format")
    if image_format not in ("jpeg", "png"):
        return jsonify(error="format must be jpeg or png"), 400
    standin = state()
    with standin.lock:
        standin.wxacode_format = image_format
    return jsonify(format=image_format)


@bp.post("/expire-tokens")
def expire_tokens():
    return jsonify(expired=state().expire_tokens())


@bp.get("/messages")
def messages():
    touser, standin = request.args.get("touser"), state()
    with standin.lock:
        items = [m for m in reversed(standin.messages) if touser in (None, m["touser"])]
    return jsonify(items=items)


@bp.get("/stats")
def stats():
    return jsonify(state().stats())


@bp.post("/reset")
def reset():
    state().reset()
    return jsonify(reset=True)
