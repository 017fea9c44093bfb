"""What the stand-in remembers (tokens, used codes, scripted failures, sent messages) and its ids."""

import base64
import hashlib
import secrets
import threading
import time
from collections import Counter

TOKEN_TTL = 7200
OLD_TOKEN_GRACE = 300  # cgi-bin/token: the previous token stays valid five more minutes
DEFAULT_RISKY_WORDS = ("赌博", "毒品", "枪支", "代开发票")
DEFAULT_REVIEW_WORDS = ("加微信", "投资理财", "兼职刷单")
OPENID_OK, OTHER_APP, UNKNOWN = "ok", "other_app", "unknown"


def _digest(text: str, length: int) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).decode()[:length]


def openid_for(appid: str, name: str) -> str:
    """The stand-in's openid of user ``name`` in app ``appid``: 28 characters, like WeChat's; the last
    six mark it as the stand-in's and tie it to the app, so the stand-in knows its users without a list."""
    body = _digest(f"{appid}:{name}", 21)
    return "o" + body + _digest(f"standin-openid:{body}", 3) + _digest(f"{appid}:{body}", 3)


def openid_status(openid, appid: str) -> str:
    """OPENID_OK for an openid of app ``appid``, OTHER_APP for another app's, UNKNOWN otherwise."""
    if not isinstance(openid, str) or len(openid) != 28 or not openid.startswith("o"):
        return UNKNOWN
    body, mark, app = openid[1:22], openid[22:25], openid[25:]
    if mark != _digest(f"standin-openid:{body}", 3):
        return UNKNOWN
    return OPENID_OK if app == _digest(f"{appid}:{body}", 3) else OTHER_APP


def unionid_for(name: str) -> str:
    """The stand-in's unionid of user ``name`` (the same in every app, as on one open platform)."""
    return "u" + _digest(f"unionid:{name}", 27)


class StandinState:
    """Everything the stand-in remembers; every method takes the lock.

    ``templates`` (template id → {keyword: type}) and ``pages`` (the mini-program's released pages)
    are what the app declared; None: not declared, so any template id or page is taken.
    """

    def __init__(self, appid: str, secret: str, risky_words, review_words, templates=None, pages=None):
        self.appid, self.secret = appid, secret
        self.risky_words, self.review_words = tuple(risky_words), tuple(review_words)
        self.templates = None if templates is None else {t: dict(kws) for t, kws in templates.items()}
        self.pages = None if pages is None else frozenset(pages)
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
            self.failures: dict[
                str, list
            ] = {}  # path -> [errcode, times left, stall seconds, calls to let by]
            self.consents: dict[tuple[str, str], int] = {}  # (openid, template id) -> unused consents
            self.token_fetches = 0
            self.calls: Counter = Counter()
            self.wxacode_format = "jpeg"  # what WeChat is documented to send; "png" on request
            self.wake.set()  # stalled answers end now
            self.wake = threading.Event()

    def page_released(self, page) -> bool:
        """Whether ``page`` (a path: no leading "/", no query) is one of the released pages."""
        if not isinstance(page, str) or not page or page.startswith("/") or "?" in page:
            return False
        return self.pages is None or page in self.pages

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
    def add_failure(self, path: str, errcode, times: int, stall: float, after: int = 0) -> None:
        with self.lock:
            self.failures[path] = [errcode, times, stall, after]

    def take_failure(self, path: str):
        with self.lock:
            self.calls[path] += 1
            failure = self.failures.get(path)
            if not failure:
                return None
            if failure[3] > 0:  # calls still to let through before failing
                failure[3] -= 1
                return None
            failure[1] -= 1
            if failure[1] <= 0:
                del self.failures[path]
            return failure[0], failure[2], self.wake

    # one-time subscription consents
    def add_consents(self, openid: str, template_id: str, count: int) -> int:
        """The user tapped 允许 ``count`` times in wx.requestSubscribeMessage; returns the unused ones."""
        with self.lock:
            key = (openid, template_id)
            self.consents[key] = self.consents.get(key, 0) + count
            return self.consents[key]

    def consent_balances(self) -> list[dict]:
        with self.lock:
            return [{"touser": o, "template_id": t, "remaining": n} for (o, t), n in self.consents.items()]

    def deliver_message(self, message: dict) -> int | None:
        """Record a message and use up one of its user's consents; None (43101) when the stand-in tracks
        consents for this user and template and none is left. Untracked pairs are taken as consented."""
        key = (message["touser"], message["template_id"])
        with self.lock:
            if key in self.consents:
                if self.consents[key] <= 0:
                    return None
                self.consents[key] -= 1
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
