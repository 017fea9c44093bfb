"""Configuration read from environment variables when the app is created (never at import time)."""

import ipaddress
import json
import os
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import click

from cloudplatform import postgres
from cloudplatform.crypto import DEV_FIELD_HASH_KEY, DEV_FIELD_KEYS

DEFAULT_TEMPLATES = json.dumps(
    {
        "residency_result": "dev-tmpl-residency-result",
        "booking_reminder": "dev-tmpl-booking-reminder",
        "notice_published": "dev-tmpl-notice-published",
        "party_report_result": "dev-tmpl-party-report-result",
        "party_activity": "dev-tmpl-party-activity",
        "party_unit_report": "dev-tmpl-party-unit-report",
        "locker_deposit": "dev-tmpl-locker-deposit",
        "aid_progress": "dev-tmpl-aid-progress",
        "aid_deadline": "dev-tmpl-aid-deadline",
        "demand_progress": "dev-tmpl-demand-progress",
        "message_reply": "dev-tmpl-message-reply",
        "volunteer_shift": "dev-tmpl-volunteer-shift",
        "volunteer_hours": "dev-tmpl-volunteer-hours",
        "volunteer_redemption": "dev-tmpl-volunteer-redemption",
        "volunteer_star": "dev-tmpl-volunteer-star",
    }
)
DEV_WECHAT_APPID = "wx-dev-appid"
DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105  (refused in production)
STANDIN_HOSTS = {"127.0.0.1", "localhost", "::1"}
ENVIRONMENTS = ("development", "production")  # the test suite runs as development

# name -> (default, cast); every variable the platform reads, with its documented default
SETTINGS: dict[str, tuple[Any, Callable[[str], Any]]] = {
    "CLOUDPLATFORM_ENV": ("development", str),  # development | production; anything else refuses to start
    "DATABASE_URL": (None, str),  # default: sqlite file under instance/
    # PostgreSQL: a request's statement running longer is cancelled (503), 0 = never; see engine_options
    "DATABASE_STATEMENT_TIMEOUT_MS": (15_000, int),
    "DATABASE_LOCK_TIMEOUT_MS": (5_000, int),  # ... and one waiting longer for a row lock
    "REDIS_URL": (None, str),  # limits, nonces, WeChat token, callers; in memory when unset (not production)
    # proxies in front that append to X-Forwarded-For (nginx: 1); 0 trusts no forwarded header
    "TRUSTED_PROXIES": (0, int),
    "SECRET_KEY": (DEV_SECRET_KEY, str),
    "WECHAT_APPID": (DEV_WECHAT_APPID, str),
    "WECHAT_SECRET": ("dev-wechat-secret", str),
    "WECHAT_API_BASE": ("http://127.0.0.1:5002/", str),  # the local stand-in in development
    "WECHAT_TIMEOUT": (5.0, float),  # seconds per request to WeChat
    "MAX_CONTENT_LENGTH": (1024 * 1024, int),  # bytes; larger request bodies answer 413
    "STORAGE_URL": ("", str),  # uploaded files: empty = instance/uploads, file:///path; see storage.py
    "UPLOAD_MAX_BYTES": (10 * 1024 * 1024, int),  # one uploaded file
    "UPLOAD_FORM_MAX_BYTES": (32 * 1024 * 1024, int),  # a console form carrying files (not the API)
    "UPLOAD_MAX_PIXELS": (40_000_000, int),  # an uploaded image, width x height
    "IDEMPOTENCY_TTL_HOURS": (24, int),
    "SIGN_IN_RATE_LIMIT": ("5 per minute", str),
    "CONSOLE_SESSION_IDLE_MINUTES": (30, int),  # a console session unused this long is signed out
    "CONSOLE_SESSION_MAX_HOURS": (8, int),  # ... and any console session this long after its sign-in
    "STAFF_LOCKOUT_FAILURES": (5, int),  # wrong passwords in a row that lock a staff account ...
    "STAFF_LOCKOUT_MINUTES": (2, int),  # ... this long the first time, twice as long each time after
    "LOGIN_RATE_LIMIT": ("20 per minute", str),  # mini-program logins per client address
    "PHONE_RATE_LIMIT": ("5 per hour", str),  # phone bindings per user: each spends WeChat quota
    "PUBLIC_RATE_LIMIT": ("60 per minute", str),  # what strangers can reach (guide search), per address
    "LOGIN_TOKEN_TTL_HOURS": (7 * 24, int),
    "BOOKING_NO_SHOW_LIMIT": (3, int),  # this many no-shows ...
    "BOOKING_NO_SHOW_WINDOW_DAYS": (60, int),  # ... within this many days ...
    "BOOKING_SUSPENSION_DAYS": (30, int),  # ... suspend booking in that community this long
    "LOCKER_REMINDER_HOURS": (24, int),  # a deposit not picked up: remind the resident after this long
    "LOCKER_EXPIRY_HOURS": (72, int),  # ... and expire it (a retrieval task for staff) after this long
    "LOCKER_DROPOFF_HOLD_MINUTES": (30, int),  # a resident's drop-off reservation holds its compartment
    "LOCKER_LOCKOUT_FAILURES": (10, int),  # this many wrong codes at a cabinet within an hour ...
    "LOCKER_LOCKOUT_MINUTES": (30, int),  # ... refuse code entry there this long
    "LOCKER_CODE_RATE_LIMIT": ("20 per hour", str),  # the app's code-related calls, per user
    "RESIDENT_UPLOADS_PER_DAY": (40, int),  # files one resident may upload in 24 hours (the API)
    "AID_MAX_FILES": (30, int),  # materials and visit photos on one aid application
    "AID_DUE_SOON_WORKING_DAYS": (3, int),  # flag an aid case this many working days before its deadline
    "POINTS_EXPIRE_DAYS": (730, int),  # volunteer points expire this long after they were credited
    "REDEMPTION_COLLECT_DAYS": (7, int),  # a 爱心超市 redemption not collected by then is cancelled, refunded
    # the Chinese font service certificates are drawn with; missing: 503 CERTIFICATE_FONT_MISSING
    "CERTIFICATE_FONT_PATH": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", str),
    "CERTIFICATE_RATE_LIMIT": ("10 per hour", str),  # certificates one volunteer may have issued
    # sensitive personal data at rest (see crypto.py): keys as JSON {id: base64}, the current id, the hash key
    "FIELD_KEYS": (DEV_FIELD_KEYS, str),
    "FIELD_KEY_ID": ("", str),  # empty: the last key id in sorted order
    "FIELD_HASH_KEY": (DEV_FIELD_HASH_KEY, str),
    # template key -> WeChat subscribe-message template id, as JSON
    "WECHAT_TEMPLATES": (DEFAULT_TEMPLATES, json.loads),
    "LOG_LEVEL": ("INFO", str),
    "SCHEDULER_LEADER_RETRY_SECONDS": (15, int),
}


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete for the chosen environment."""


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config from the environment, then apply overrides (tests)."""
    cfg = {}
    for name, (default, cast) in SETTINGS.items():
        raw = os.environ.get(name)
        value = raw if raw not in (None, "") else default
        try:
            cfg[name] = cast(value) if isinstance(value, str) else value
        except ValueError:
            raise ConfigError(
                f"{name} cannot be read from {raw!r}: see the README's settings table"
            ) from None
    cfg.update(overrides or {})
    if cfg["CLOUDPLATFORM_ENV"] not in ENVIRONMENTS:
        raise ConfigError(
            f"CLOUDPLATFORM_ENV must be development or production, not {cfg['CLOUDPLATFORM_ENV']!r}"
        )
    if cfg["TRUSTED_PROXIES"] < 0:
        raise ConfigError("TRUSTED_PROXIES is the number of proxies in front: 0 or more")
    if cfg["DATABASE_STATEMENT_TIMEOUT_MS"] < 0 or cfg["DATABASE_LOCK_TIMEOUT_MS"] < 0:
        raise ConfigError("DATABASE_STATEMENT_TIMEOUT_MS and DATABASE_LOCK_TIMEOUT_MS: 0 (never) or more")
    if not cfg["DATABASE_URL"]:
        cfg["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "cloudplatform.db")
    production = cfg["CLOUDPLATFORM_ENV"] == "production"
    cfg.update(
        SQLALCHEMY_DATABASE_URI=cfg["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(cfg),
        RATELIMIT_STORAGE_URI=cfg["REDIS_URL"] or "memory://",
        RATELIMIT_HEADERS_ENABLED=False,  # Retry-After on a refusal only (ViewLimiter)
        # Redis unreachable: the limits count in each process's memory meanwhile (fail open by at most the
        # number of processes), and Redis again once it answers; never an error for the caller
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_STORAGE_OPTIONS={"socket_timeout": 2, "socket_connect_timeout": 2}
        if cfg["REDIS_URL"]
        else {},
        SESSION_COOKIE_NAME="cp_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_CHECK_DEFAULT=False,  # the console checks every form; the API uses bearer tokens
        API_TITLE="宝鸡社区云平台 API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs/assets/",
    )
    if production:
        check_production(cfg)
    return cfg


def engine_options(cfg: dict) -> dict:
    """No ping before each checkout (a round trip per request): connections are recycled after half an
    hour, and one the server dropped fails its request with 503 while the pool replaces it (see
    ``cloudplatform.transaction.database_unavailable``). A database error never carries its statement's
    parameters (personal data) into a log. On PostgreSQL a stuck statement cannot hold a worker: one
    running longer than ``DATABASE_STATEMENT_TIMEOUT_MS`` or waiting longer than
    ``DATABASE_LOCK_TIMEOUT_MS`` for a lock is cancelled, and its request answers 503."""
    url = cfg["DATABASE_URL"]
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 10}, "hide_parameters": True}
    options: dict[str, Any] = {
        "pool_recycle": 1800,
        "pool_size": 5,
        "max_overflow": 5,
        "hide_parameters": True,
        "connect_args": {"cursor_factory": postgres.Cursor},
    }
    if not loaded_by_flask_command():
        options["connect_args"]["options"] = (
            f"-c statement_timeout={cfg['DATABASE_STATEMENT_TIMEOUT_MS']:d}"
            f" -c lock_timeout={cfg['DATABASE_LOCK_TIMEOUT_MS']:d}"
        )
    return options


def loaded_by_flask_command() -> bool:
    """Whether the ``flask`` command is making the app (inside its click context): migrations, the
    scheduler's jobs, backups and demo data run as long as they need. The timeouts are for the app
    that serves requests (gunicorn's workers, the tests)."""
    return click.get_current_context(silent=True) is not None


def check_production(cfg: dict) -> None:
    """Refuse to start production with development secrets, a guessable key, the WeChat stand-in or
    per-worker rate limits."""
    key = cfg["SECRET_KEY"]
    if key == DEV_SECRET_KEY or len(key.encode()) < 32 or len(set(key)) == 1:
        raise ConfigError("SECRET_KEY must be set to a random value of at least 32 bytes in production")
    base = cfg["WECHAT_API_BASE"]
    if is_local_address(wechat_host(base)):
        raise ConfigError(
            "WECHAT_API_BASE points at the local WeChat stand-in; set the real API in production"
        )
    if urlsplit(base).scheme != "https":
        raise ConfigError("WECHAT_API_BASE must be an https:// URL in production")
    if cfg["WECHAT_APPID"] == DEV_WECHAT_APPID:
        raise ConfigError("WECHAT_APPID must be the mini-program's app id in production")
    if cfg["WECHAT_SECRET"] == SETTINGS["WECHAT_SECRET"][0]:
        raise ConfigError("WECHAT_SECRET must be set in production")
    if cfg["DATABASE_URL"].startswith("sqlite"):
        raise ConfigError("production needs PostgreSQL: set DATABASE_URL")
    if not cfg["REDIS_URL"]:
        raise ConfigError(
            "production needs REDIS_URL: rate limits, device nonces and the WeChat token are shared by "
            "every worker through Redis"
        )
    if cfg["FIELD_KEYS"] == DEV_FIELD_KEYS or cfg["FIELD_HASH_KEY"] == DEV_FIELD_HASH_KEY:
        raise ConfigError("FIELD_KEYS and FIELD_HASH_KEY must be set to random keys in production")


def wechat_host(base: str) -> str:
    try:
        host = urlsplit(base).hostname
    except ValueError:
        host = None
    if not host:
        raise ConfigError(f"WECHAT_API_BASE is not a URL: {base!r}")
    return host


def is_local_address(host: str) -> bool:
    """Whether a host name or address, in any spelling (127.1, 0x7f.1, 2130706433, ::ffff:127.0.0.1,
    localhost., 0), means this machine: a loopback or unspecified address, or a name resolving to one.
    A name that does not resolve (yet) is not known to be local."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(name, None)}
    except (OSError, ValueError):
        return False
    return any(local_ip(address) for address in found)


def local_ip(address: str) -> bool:
    ip = ipaddress.ip_address(address.partition("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified
