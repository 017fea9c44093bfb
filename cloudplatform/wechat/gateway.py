"""The one door to WeChat's server API, and the only module of the project that imports wechatpy.

``get_gateway()`` gives the current app's :class:`Gateway`; its methods take and return plain values
and raise the AppErrors of :mod:`cloudplatform.wechat.errors`.

wechatpy 1.8.18 is pointed at ``WECHAT_API_BASE`` (WeChat, or the local stand-in) in the three places
that carry a base URL: the client's ``API_BASE_URL`` (``<base>cgi-bin/``, as wechatpy expects), the
instance's ``wxa.API_BASE_URL`` (``<base>``) and ``fetch_access_token()``, which here asks
``<base>cgi-bin/stable_token``. The access token lives in one storage per app (Redis when
``REDIS_URL`` is set, so every worker shares it); wechatpy itself refetches it and retries once when
WeChat answers 40001 / 40014 / 42001.

Nothing here logs the secret, access tokens, session keys, codes or phone numbers; exceptions from
``requests`` (whose text can hold the request URL) are never chained or logged, only their type.
"""

import logging
import re
import threading
import time
from dataclasses import dataclass, field

import redis
import requests
from flask import Flask, current_app
from requests.adapters import HTTPAdapter
from wechatpy.client import WeChatClient
from wechatpy.client.api import WeChatWxa
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

from cloudplatform.wechat.errors import (
    PhoneCodeInvalid,
    WeChatCodeInvalid,
    WeChatCodeUsed,
    WeChatError,
    WeChatMessageInvalid,
    WeChatNoConsent,
    WeChatOpenidInvalid,
    WeChatOpenidMismatch,
    WeChatPageInvalid,
    WeChatRateLimited,
    WeChatSceneInvalid,
    WeChatTemplateInvalid,
    WeChatUnavailable,
    WeChatUserInactive,
    WeChatUserRisky,
)

log = logging.getLogger(__name__)

EXTENSION_KEY = "wechat_gateway"
DEFAULT_TIMEOUT = 5.0  # seconds, connect and read, for every request to WeChat
REDIS_PREFIX = "cloudplatform:wechat"
TOKEN_MARGIN = 60  # seconds: a stored token is dropped this long before WeChat's expiry
MAX_TOKEN_FETCHES_PER_CALL = 2  # the first fetch and one refetch after 40001; never a loop
BUSY = -1
BUSY_RETRY_DELAY = 0.1
SCENE_PATTERN = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@._~-]{1,32}")  # WeChat's limit for wxacode scenes
CONTENT_MAX = 2500  # characters per msg_sec_check call
CONTENT_OVERLAP = 50  # long texts are checked in overlapping parts, so no word is cut in two
SCENES = (1, 2, 3, 4)  # msg_sec_check v2: 1 资料, 2 评论, 3 论坛, 4 社交日志
VERDICTS = ("pass", "review", "risky")  # mildest first

LOGIN_ERRORS = {40029: WeChatCodeInvalid, 40163: WeChatCodeUsed, 40226: WeChatUserRisky}
PHONE_ERRORS = {40029: PhoneCodeInvalid, 40163: PhoneCodeInvalid}
SUBSCRIBE_ERRORS = {
    43101: WeChatNoConsent,
    47003: WeChatMessageInvalid,
    40037: WeChatTemplateInvalid,
    41030: WeChatPageInvalid,
}
CHECK_ERRORS = {61010: WeChatUserInactive, 43104: WeChatOpenidMismatch}
WXACODE_ERRORS = {41030: WeChatPageInvalid, 40169: WeChatSceneInvalid}
COMMON_ERRORS = {
    40003: WeChatOpenidInvalid,
    44991: WeChatRateLimited,
    45009: WeChatRateLimited,
    45011: WeChatRateLimited,
}
USER_ERRCODES = {40029, 40163, 40226, 43101, 61010}  # the user's doing, not a fault worth a warning
MAINLAND = "86"


@dataclass(frozen=True)
class LoginResult:
    openid: str
    unionid: str | None
    session_key: str = field(repr=False)  # stays on the server, out of logs and reprs


@dataclass(frozen=True)
class PhoneNumber:
    """A user's phone number as WeChat gives it: ``pure`` without the country code."""

    country_code: str
    pure: str = field(repr=False)  # personal data: out of reprs and logs

    @property
    def mainland(self) -> bool:
        return self.country_code == MAINLAND

    @property
    def international(self) -> str:
        """``+<country code><number>``, e.g. +85261234567."""
        return f"+{self.country_code}{self.pure}"


@dataclass(frozen=True)
class MiniProgramCode:
    """A mini-program code image, in the format WeChat chose (JPEG or PNG: see ``content_type``)."""

    content: bytes = field(repr=False)
    content_type: str


class TokenUnavailable(Exception):
    """No usable access token (refused credentials, WeChat unreachable, refused again after refetch)."""


class TokenStorage(MemoryStorage):
    """wechatpy's MemoryStorage, but honouring the ttl (the stock one keeps tokens forever) and locked."""

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            value, deadline = self._data.get(key, (default, None))
            if deadline is not None and time.time() >= deadline:
                del self._data[key]
                return default
            return value

    def set(self, key, value, ttl=None):
        if value is None:
            return
        with self._lock:
            self._data[key] = (value, time.time() + ttl if ttl else None)

    def delete(self, key):
        with self._lock:
            self._data.pop(key, None)


class _Wxa(WeChatWxa):
    """wechatpy's mini-program API, plus the calls 1.8.18 lacks."""

    def code_to_session(self, js_code):
        # As wechatpy's, but without an access token: jscode2session is authenticated by appid and
        # secret, so a login never waits on (or fails with) the token. requests drops None params.
        return self._get(
            "sns/jscode2session",
            params={
                "appid": self.appid,
                "secret": self.secret,
                "js_code": js_code,
                "grant_type": "authorization_code",
                "access_token": None,
            },
        )

    def get_user_phone_number(self, code):
        return self._post("wxa/business/getuserphonenumber", data={"code": code})

    def msg_sec_check_v2(self, openid, content, scene):
        return self._post(
            "wxa/msg_sec_check", data={"version": 2, "openid": openid, "scene": scene, "content": content}
        )


class _Client(WeChatClient):
    """WeChatClient aimed at a configurable base URL, with stable tokens kept only in its storage."""

    wxa = _Wxa()

    def __init__(self, appid, secret, *, api_base, session, timeout):
        super().__init__(appid, secret, session=session, timeout=timeout)
        self.api_root = api_base.rstrip("/") + "/"
        self.API_BASE_URL = self.api_root + "cgi-bin/"
        self.wxa.API_BASE_URL = self.api_root
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=32)  # one pool, shared by request threads
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)
        self._call_state = threading.local()

    def begin_call(self):
        self._call_state.token_fetches = 0

    @property
    def access_token(self):
        # The storage alone decides (its ttl ends a token), so tokens fetched by another worker or
        # another Gateway on the same Redis are used as they are; wechatpy's per-instance
        # ``expires_at`` would otherwise trust a foreign token forever.
        token = self.session.get(self.access_token_key)
        if not token:
            self.fetch_access_token()
            token = self.session.get(self.access_token_key)
        return token

    def fetch_access_token(self):
        fetches = getattr(self._call_state, "token_fetches", 0) + 1
        self._call_state.token_fetches = fetches
        if fetches > MAX_TOKEN_FETCHES_PER_CALL:
            raise TokenUnavailable("WeChat refused a freshly fetched access token")
        log.info("fetching a WeChat access token")
        try:
            response = self._http.post(
                self.api_root + "cgi-bin/stable_token",
                json={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
                timeout=self.timeout,
            )
            response.raise_for_status()
            result = response.json()
        except (requests.RequestException, ValueError) as error:
            raise TokenUnavailable(f"stable_token failed: {type(error).__name__}") from None
        errcode = int(result.get("errcode") or 0)
        token = result.get("access_token")
        if errcode or not token:
            raise TokenUnavailable(f"stable_token answered errcode {errcode}")
        expires_in = int(result.get("expires_in") or 7200)
        self.session.set(self.access_token_key, token, max(1, expires_in - TOKEN_MARGIN))
        self.expires_at = int(time.time()) + expires_in
        return result


class Gateway:
    """WeChat's server API in plain values. One per app; safe to share between threads."""

    def __init__(
        self,
        appid: str,
        secret: str,
        api_base: str,
        *,
        redis_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        _keep_urllib3_quiet()
        self._redis = (
            redis.Redis.from_url(redis_url, socket_timeout=timeout, socket_connect_timeout=timeout)
            if redis_url
            else None
        )
        storage = RedisStorage(self._redis, prefix=REDIS_PREFIX) if self._redis else TokenStorage()
        self._client = _Client(appid, secret, api_base=api_base, session=storage, timeout=timeout)

    def __repr__(self):
        return f"<Gateway {self._client.appid} at {self._client.api_root}>"

    def close(self) -> None:
        """Close the HTTP connections and the Redis connection pool."""
        self._client._http.close()
        if self._redis is not None:
            self._redis.close()

    def login(self, code: str) -> LoginResult:
        """Exchange a wx.login code (single use, 5 minutes) for the user's openid and session_key."""
        result = self._call("login", lambda: self._client.wxa.code_to_session(code), LOGIN_ERRORS)
        openid, session_key = result.get("openid"), result.get("session_key")
        if not openid or not session_key:
            log.warning("WeChat login answered without openid or session_key")
            raise WeChatUnavailable()
        return LoginResult(openid=openid, unionid=result.get("unionid") or None, session_key=session_key)

    def phone_number(self, code: str) -> PhoneNumber:
        """The phone number behind a getPhoneNumber code (single use), with its country code."""
        result = self._call(
            "phone_number", lambda: self._client.wxa.get_user_phone_number(code), PHONE_ERRORS
        )
        info = result.get("phone_info") or {}
        pure, country_code = info.get("purePhoneNumber"), str(info.get("countryCode") or MAINLAND)
        if not pure or not str(pure).isdigit() or not country_code.isdigit():
            log.warning("WeChat getuserphonenumber answered without a number")
            raise WeChatUnavailable()
        return PhoneNumber(country_code=country_code, pure=str(pure))

    def send_subscribe(self, openid: str, template_id: str, data: dict, page: str | None = None) -> None:
        """Send one subscribe message. ``data`` maps template keys to plain values (or to
        ``{"value": ...}``). Raises WeChatNoConsent when the user has no unused consent (43101), a
        permanent WeChatRefused for a bad value (47003), template (40037), page (41030) or openid
        (40003), and WeChatUnavailable / WeChatRateLimited for what may pass later."""
        payload = {
            key: value if isinstance(value, dict) else {"value": str(value)} for key, value in data.items()
        }
        self._call(
            "send_subscribe",
            lambda: self._client.wxa.send_subscribe_message(openid, template_id, payload, page),
            SUBSCRIBE_ERRORS,
        )

    def check_text(self, openid: str, text: str, scene: int) -> str:
        """Content security v2 for text a user publishes: "pass", "review" (hold for staff) or "risky"
        (refuse). ``scene``: 1 资料, 2 评论, 3 论坛, 4 社交日志. Texts over 2,500 characters are
        checked in parts; the worst verdict wins. Raises WeChatUserInactive (61010: the user has not
        opened the mini-program lately) and WeChatOpenidMismatch (43104: another app's openid)."""
        if scene not in SCENES:
            raise ValueError(f"scene must be one of {SCENES}")
        if not text or not text.strip():
            return "pass"
        worst = "pass"
        for part in _parts(text):
            verdict = self._call(
                "check_text", lambda part=part: self._check_part(openid, part, scene), CHECK_ERRORS
            )
            worst = max(worst, verdict, key=VERDICTS.index)
            if worst == "risky":
                break
        return worst

    def wxacode(self, scene: str, page: str | None = None) -> MiniProgramCode:
        """An unlimited mini-program code for ``page`` (None: the home page; a released page, without
        a query) carrying ``scene`` (at most 32 characters of ``0-9A-Za-z!#$&'()*+,/:;=?@-._~``): the
        image as WeChat sends it, JPEG or PNG, with its content type. Raises WeChatPageInvalid for a
        page WeChat does not know (41030)."""
        if not isinstance(scene, str) or not SCENE_PATTERN.fullmatch(scene):
            raise ValueError("scene must be 1-32 characters of 0-9A-Za-z!#$&'()*+,/:;=?@-._~")
        page = page.lstrip("/") if page else None
        if page and "?" in page:
            raise ValueError("a mini-program code's page has no query: put it in the scene")
        result = self._call(
            "wxacode", lambda: self._client.wxa.get_wxa_code_unlimited(scene, page=page), WXACODE_ERRORS
        )
        content_type = ""
        if isinstance(result, requests.Response):
            content_type = result.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not content_type.startswith("image/") or not result.content:
            log.warning("WeChat getwxacodeunlimit answered without an image")
            raise WeChatUnavailable()
        return MiniProgramCode(content=result.content, content_type=content_type)

    def _check_part(self, openid: str, content: str, scene: int) -> str:
        try:
            result = self._client.wxa.msg_sec_check_v2(openid, content, scene)
        except WeChatClientException as error:
            if error.errcode == 87014:  # the v1 answer for risky content
                return "risky"
            raise
        suggest = (result.get("result") or {}).get("suggest")
        if suggest not in VERDICTS:
            log.warning("WeChat msg_sec_check answered an unknown suggest; holding for review")
            return "review"
        return suggest

    def _call(self, operation: str, call, errors: dict):
        """Run one WeChat call: -1 retried once; errcodes mapped to AppErrors (refusals never retried);
        everything else 503."""
        for attempt in (1, 2):
            self._client.begin_call()
            try:
                return call()
            except WeChatClientException as error:
                errcode = error.errcode
                if errcode == BUSY and attempt == 1:
                    log.info("WeChat %s: system busy, retrying once", operation)
                    time.sleep(BUSY_RETRY_DELAY)
                    continue
                raise self._error(operation, errcode, error.errmsg, errors) from None
            except TokenUnavailable as error:
                log.error("WeChat %s: no access token (%s)", operation, error)
                raise WeChatUnavailable() from None
            except (requests.RequestException, redis.RedisError) as error:
                log.warning("WeChat %s failed: %s", operation, type(error).__name__)
                raise WeChatUnavailable() from None
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _error(operation: str, errcode, errmsg, errors: dict) -> WeChatError:
        cls = errors.get(errcode) or COMMON_ERRORS.get(errcode) or WeChatUnavailable
        errmsg = str(errmsg)[:200] if errmsg is not None and errmsg != errcode else None
        level = logging.INFO if errcode in USER_ERRCODES else logging.WARNING
        if cls.permanent and errcode not in USER_ERRCODES:
            level = logging.ERROR  # a refusal for good: a fault of ours to fix (config, code)
        log.log(level, "WeChat %s: errcode %s (%s) -> %s", operation, errcode, errmsg, cls.code)
        return cls(errcode=errcode, errmsg=errmsg)


def _parts(text: str):
    step = CONTENT_MAX - CONTENT_OVERLAP
    start = 0
    while True:
        yield text[start : start + CONTENT_MAX]
        if start + CONTENT_MAX >= len(text):
            return
        start += step


def _keep_urllib3_quiet() -> None:
    """At DEBUG urllib3 logs full URLs, which carry the app secret, codes and the access token."""
    urllib3_log = logging.getLogger("urllib3")
    if urllib3_log.getEffectiveLevel() < logging.INFO:
        urllib3_log.setLevel(logging.INFO)


_create_lock = threading.Lock()


def gateway_for(app: Flask) -> Gateway:
    """The app's Gateway, created on first use from WECHAT_APPID, WECHAT_SECRET, WECHAT_API_BASE,
    REDIS_URL and WECHAT_TIMEOUT (optional, seconds)."""
    gateway = app.extensions.get(EXTENSION_KEY)
    if gateway is None:
        with _create_lock:
            gateway = app.extensions.get(EXTENSION_KEY)
            if gateway is None:
                config = app.config
                gateway = Gateway(
                    config["WECHAT_APPID"],
                    config["WECHAT_SECRET"],
                    config["WECHAT_API_BASE"],
                    redis_url=config.get("REDIS_URL"),
                    timeout=float(config.get("WECHAT_TIMEOUT") or DEFAULT_TIMEOUT),
                )
                app.extensions[EXTENSION_KEY] = gateway
    return gateway


def get_gateway() -> Gateway:
    """The current app's Gateway (one per app, so all its requests share one access token)."""
    return gateway_for(current_app._get_current_object())


def close_gateway(app: Flask) -> None:
    """Close and forget the app's Gateway, if it has one (test teardown, worker exit)."""
    gateway = app.extensions.pop(EXTENSION_KEY, None)
    if gateway is not None:
        gateway.close()
