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
