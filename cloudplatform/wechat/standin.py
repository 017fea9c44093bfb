"""A local stand-in for WeChat's server API, for development and tests (no WeChat is reachable here).

It speaks WeChat's JSON (errors are HTTP 200 with ``errcode``/``errmsg``) for the calls the gateway
makes, keeps its state in memory, and is predictable:

- login code ``dev:<name>`` (or ``dev:<name>:<anything>``, to get a fresh code for the same user)
  logs in as ``<name>`` with a stable openid and unionid and a fresh session_key; a code works once
  (then 40163); any other code is 40029.
- phone code ``phone:<11 digits>`` (or ``phone:<11 digits>:<anything>``, for a fresh code) gives that
  number, once; any other code is 40029.
- content check: a text containing one of ``risky_words`` is risky, else one of ``review_words``
  makes it review, else pass.
- subscribe messages are recorded (the stand-in does not track consents: the backend does).

Control endpoints for tests and development live under ``/_standin/``: ``POST failures``
(``{"path": "sns/jscode2session", "errcode": 45011, "times": 1}``; errcode ``"timeout"`` stalls
the answer, ``"http_error"`` answers HTTP 502), ``POST expire-tokens``, ``GET messages`` (newest
first), ``GET stats`` (``token_fetches`` and ``calls`` per path), ``POST reset``.

Run it alone with ``python -m cloudplatform.wechat.standin [--port 5002]``.
"""

import argparse
import base64
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

from cloudplatform.config import SETTINGS
from cloudplatform.qr import qr_png

log = logging.getLogger(__name__)

EXTENSION_KEY = "wechat_standin"
TOKEN_TTL = 7200
OLD_TOKEN_GRACE = 300  # cgi-bin/token: the previous token stays valid five more minutes
DEFAULT_STALL = 30.0  # seconds an errcode "timeout" failure holds its answer (woken early by reset)
DEFAULT_RISKY_WORDS = ("赌博", "毒品", "枪支", "代开发票")
DEFAULT_REVIEW_WORDS = ("加微信", "投资理财", "兼职刷单")
LOGIN_CODE = re.compile(r"dev:([^:\s]{1,64})(?::\S{1,64})?")
PHONE_CODE = re.compile(r"phone:(\d{11})(?::\S{1,64})?")
SCENE = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}")
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
    40163: "code been used",
    40169: "invalid length for scene, or the data is not json string",
    40226: "high risk user",
    41001: "access_token missing",
    41008: "missing code",
    41030: "invalid page",
    43101: "user refuse to accept the msg",
    44002: "empty post data",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
    47003: "argument invalid!",
    87014: "risky content",
}


def wx_error(errcode: int, errmsg: str | None = None):
    return jsonify(errcode=errcode, errmsg=(errmsg or ERRMSGS.get(errcode, "error")) + " (stand-in)")


def wx_ok(**fields):
    return jsonify(errcode=0, errmsg="ok", **fields)


def _stable_id(prefix: str, text: str) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return prefix + digest[:27]


def openid_for(appid: str, name: str) -> str:
    """The stand-in's openid of user ``name`` in app ``appid`` (28 characters, like WeChat's)."""
    return _stable_id("o", f"{appid}:{name}")


def unionid_for(name: str) -> str:
    """The stand-in's unionid of user ``name`` (the same in every app, as on one open platform)."""
    return _stable_id("u", f"unionid:{name}")


class StandinState:
    """Everything the stand-in remembers; every method takes the lock."""

    def __init__(self, appid: str, secret: str, risky_words, review_words):
        self.appid, self.secret = appid, secret
        self.risky_words, self.review_words = tuple(risky_words), tuple(review_words)
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.tokens: dict[str, float] = {}  # access token -> expiry (epoch seconds)
            self.stable_token: str | None = None
            self.plain_token: str | None = None
            self.used_codes: set[str] = set()
            self.messages: list[dict] = []
            self.failures: dict[str, list] = {}  # path -> [errcode, times left, stall seconds]
            self.token_fetches = 0
            self.calls: Counter = Counter()
            self.wake.set()  # stalled answers end now
            self.wake = threading.Event()

    def wake_all(self) -> None:
        with self.lock:
            self.wake.set()

    # access tokens
    def _issue(self, now: float) -> str:
        token = "standin-" + secrets.token_urlsafe(48)
        self.tokens[token] = now + TOKEN_TTL
        return token

    def stable(self, force_refresh: bool) -> tuple[str, int]:
        now = time.time()
        with self.lock:
            self.token_fetches += 1
            current = self.stable_token
            if current and not force_refresh and self.tokens.get(current, 0) > now:
                return current, int(self.tokens[current] - now)
            if current:
                self.tokens.pop(current, None)
            self.stable_token = self._issue(now)
            return self.stable_token, TOKEN_TTL

    def plain(self) -> tuple[str, int]:
        now = time.time()
        with self.lock:
            self.token_fetches += 1
            previous = self.plain_token
            if previous in self.tokens:
                self.tokens[previous] = min(self.tokens[previous], now + OLD_TOKEN_GRACE)
            self.plain_token = self._issue(now)
            return self.plain_token, TOKEN_TTL

    def token_valid(self, token: str) -> bool:
        with self.lock:
            return self.tokens.get(token, 0) > time.time()

    def expire_tokens(self) -> int:
        with self.lock:
            count = len(self.tokens)
            self.tokens.clear()
            self.stable_token = self.plain_token = None
            return count

    def issued_tokens(self) -> list[str]:
        """Every token still valid (tests look for them in logs)."""
        with self.lock:
            return list(self.tokens)

    # codes
    def spend_code(self, code: str) -> bool:
        """True the first time a code is presented, False after."""
        with self.lock:
            if code in self.used_codes:
                return False
            self.used_codes.add(code)
            return True

    # scripted failures and counts
    def add_failure(self, path: str, errcode, times: int, stall: float) -> None:
        with self.lock:
            self.failures[path] = [errcode, times, stall]

    def take_failure(self, path: str):
        with self.lock:
            self.calls[path] += 1
            failure = self.failures.get(path)
            if not failure:
                return None
            failure[1] -= 1
            if failure[1] <= 0:
                del self.failures[path]
            return failure[0], failure[2], self.wake

    def record_message(self, message: dict) -> int:
        with self.lock:
            msgid = len(self.messages) + 1
            self.messages.append({"msgid": msgid, **message})
            return msgid

    def stats(self) -> dict:
        with self.lock:
            return {"token_fetches": self.token_fetches, "calls": dict(self.calls)}

    def verdict(self, text: str) -> tuple[str, str | None]:
        for word in self.risky_words:
            if word in text:
                return "risky", word
        for word in self.review_words:
            if word in text:
                return "review", word
        return "pass", None


def state_of(app: Flask) -> StandinState:
    return app.extensions[EXTENSION_KEY]


def create_standin_app(
    appid: str,
    secret: str,
    *,
    risky_words=DEFAULT_RISKY_WORDS,
    review_words=DEFAULT_REVIEW_WORDS,
) -> Flask:
    """The stand-in as a Flask app; its state is ``app.extensions["wechat_standin"]``."""
    app = Flask(__name__)
    app.json.ensure_ascii = False
    state = StandinState(appid, secret, risky_words, review_words)
    app.extensions[EXTENSION_KEY] = state

    def body() -> dict:
        data = request.get_json(force=True, silent=True)  # wechatpy sends JSON without a content type
        return data if isinstance(data, dict) else {}

    def needs_token(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            token = request.args.get("access_token")
            if not token:
                return wx_error(41001)
            if not state.token_valid(token):
                return wx_error(40001)
            return view(*args, **kwargs)

        return wrapper

    @app.before_request
    def scripted_failure():
        path = request.path.strip("/")
        if path.startswith("_standin"):
            return None
        failure = state.take_failure(path)
        if failure is None:
            return None
        errcode, stall, wake = failure
        if errcode == "timeout":
            wake.wait(stall)
            return wx_error(-1)
        if errcode == "http_error":
            return Response("bad gateway (stand-in)", status=502, mimetype="text/plain")
        return wx_error(errcode)

    # access tokens
    @app.get("/cgi-bin/token")
    def token():
        args = request.args
        if args.get("grant_type") != "client_credential":
            return wx_error(40002)
        if args.get("appid") != state.appid:
            return wx_error(40013)
        if args.get("secret") != state.secret:
            return wx_error(40125)
        access_token, expires_in = state.plain()
        return jsonify(access_token=access_token, expires_in=expires_in)

    @app.post("/cgi-bin/stable_token")
    def stable_token():
        data = body()
        if data.get("grant_type") != "client_credential":
            return wx_error(40002)
        if data.get("appid") != state.appid:
            return wx_error(40013)
        if data.get("secret") != state.secret:
            return wx_error(40125)
        access_token, expires_in = state.stable(bool(data.get("force_refresh")))
        return jsonify(access_token=access_token, expires_in=expires_in)

    # login and phone number
    @app.get("/sns/jscode2session")
    def jscode2session():
        args = request.args
        if args.get("appid") != state.appid:
            return wx_error(40013)
        if args.get("secret") != state.secret:
            return wx_error(40125)
        if args.get("grant_type") != "authorization_code":
            return wx_error(40002)
        code = args.get("js_code") or ""
        if not code:
            return wx_error(41008)
        match = LOGIN_CODE.fullmatch(code)
        if not match:
            return wx_error(40029)
        if not state.spend_code(code):
            return wx_error(40163)
        name = match.group(1)
        return jsonify(
            openid=openid_for(state.appid, name),
            unionid=unionid_for(name),
            session_key=base64.b64encode(secrets.token_bytes(16)).decode(),
        )

    @app.post("/wxa/business/getuserphonenumber")
    @needs_token
    def getuserphonenumber():
        code = body().get("code") or ""
        if not code:
            return wx_error(41008)
        match = PHONE_CODE.fullmatch(code)
        if not match or not state.spend_code(code):
            return wx_error(40029)
        number = match.group(1)
        return wx_ok(
            phone_info={
                "phoneNumber": number,
                "purePhoneNumber": number,
                "countryCode": "86",
                "watermark": {"timestamp": int(time.time()), "appid": state.appid},
            }
        )

    # subscribe messages
    @app.post("/cgi-bin/message/subscribe/send")
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
        msgid = state.record_message(
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

    # content security
    @app.post("/wxa/msg_sec_check")
    @needs_token
    def msg_sec_check():
        data = body()
        content = data.get("content")
        if not isinstance(content, str):
            return wx_error(40097, "invalid args: content")
        suggest, word = state.verdict(content)
        if data.get("version") != 2:  # v1: an error for risky content, nothing else
            return wx_error(87014) if suggest == "risky" else wx_ok()
        if not data.get("openid"):
            return wx_error(40003)
        if data.get("scene") not in (1, 2, 3, 4):
            return wx_error(40097, "invalid args: scene")
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
        return wx_ok(
            result={"suggest": suggest, "label": label}, detail=detail, trace_id=secrets.token_hex(8)
        )

    # mini-program codes
    @app.post("/wxa/getwxacodeunlimit")
    @needs_token
    def getwxacodeunlimit():
        data = body()
        scene = data.get("scene")
        if not isinstance(scene, str) or not SCENE.fullmatch(scene):
            return wx_error(40169)
        page = data.get("page") or "pages/index/index"
        if not isinstance(page, str) or page.startswith("/"):
            return wx_error(41030)
        return Response(qr_png(f"{page}?scene={scene}"), mimetype="image/png")

    # control
    @app.get("/_standin/")
    def help_page():
        return jsonify(
            login_codes="dev:<name> or dev:<name>:<nonce>; each code works once",
            phone_codes="phone:<11 digits> or phone:<11 digits>:<nonce>; each code works once",
            risky_words=list(state.risky_words),
            review_words=list(state.review_words),
            control=["POST failures", "POST expire-tokens", "GET messages", "GET stats", "POST reset"],
        )

    @app.post("/_standin/failures")
    def script_failure():
        data = body()
        path = str(data.get("path") or "").strip("/")
        errcode = data.get("errcode")
        times = data.get("times", 1)
        stall = data.get("stall", DEFAULT_STALL)
        valid_errcode = errcode in ("timeout", "http_error") or (
            isinstance(errcode, int) and not isinstance(errcode, bool)
        )
        if not path or not valid_errcode or not isinstance(times, int) or times < 1:
            return jsonify(error="need path, errcode (int, 'timeout' or 'http_error') and times >= 1"), 400
        if not isinstance(stall, int | float) or not 0 <= stall <= 600:
            return jsonify(error="stall must be 0-600 seconds"), 400
        state.add_failure(path, errcode, times, float(stall))
        return jsonify(path=path, errcode=errcode, times=times)

    @app.post("/_standin/expire-tokens")
    def expire_tokens():
        return jsonify(expired=state.expire_tokens())

    @app.get("/_standin/messages")
    def messages():
        touser = request.args.get("touser")
        with state.lock:
            items = [m for m in reversed(state.messages) if touser in (None, m["touser"])]
        return jsonify(items=items)

    @app.get("/_standin/stats")
    def stats():
        return jsonify(state.stats())

    @app.post("/_standin/reset")
    def reset():
        state.reset()
        return jsonify(reset=True)

    return app


class QuietRequestHandler(WSGIRequestHandler):
    """Logs requests without their query strings, which carry the secret, codes and access tokens."""

    def log_request(self, code="-", size="-"):
        log.debug("stand-in %s %s -> %s", self.command, urlsplit(self.path).path, code)


def serve_standin(app: Flask, host: str = "127.0.0.1", port: int = 0):
    """Serve the stand-in from a daemon thread; returns ``(server, base_url)`` (base_url ends in "/").
    Stop it with :func:`stop_standin`."""
    server = make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="wechat-standin", daemon=True
    )
    thread.start()
    server.standin_thread = thread
    netloc = f"[{host}]" if ":" in host else host
    return server, f"http://{netloc}:{server.port}/"


def stop_standin(server) -> None:
    """Wake stalled answers, stop serving and close the listening socket."""
    state = server.app.extensions.get(EXTENSION_KEY)
    if state is not None:
        state.wake_all()
    server.shutdown()
    server.server_close()
    thread = getattr(server, "standin_thread", None)
    if thread is not None:
        thread.join(timeout=5)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="The local stand-in for WeChat's server API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5002)
    args = parser.parse_args(argv)
    appid = os.environ.get("WECHAT_APPID") or SETTINGS["WECHAT_APPID"][0]
    secret = os.environ.get("WECHAT_SECRET") or SETTINGS["WECHAT_SECRET"][0]
    server = make_server(
        args.host,
        args.port,
        create_standin_app(appid, secret),
        threaded=True,
        request_handler=QuietRequestHandler,
    )
    print(f"WeChat stand-in for {appid} on http://{args.host}:{server.port}/ (see /_standin/)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
