"""Extension objects, created unbound and plugged into the app by create_app."""

import functools
import time

import redis
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from cloudplatform.errors import Api
from cloudplatform.orm import Base


class ViewLimiter(Limiter):
    """flask-limiter that checks a request only in the views it decorates. The platform sets no default,
    application-wide or blueprint limits, so the check flask-limiter also runs before every request
    finds nothing to count (a decorated view's limits are counted by its decorator); skipping it saves
    ~6% of an unlimited request such as GET /me. Limit views with the decorator only.

    A refusal (429) says when to come back (``Retry-After``: until the broken limit's window resets);
    an answer within the limits carries no ``X-RateLimit-*`` headers, which would cost two more round
    trips to Redis on every limited request (28% of a guide search)."""

    def init_app(self, app) -> None:
        super().init_app(app)
        if self.limit_manager.default_limits or self.limit_manager.application_limits:
            raise RuntimeError("default and application-wide limits need the check before every request")
        app.after_request(self._add_retry_after)

    def _add_retry_after(self, response):
        breached = self.current_limit if response.status_code == 429 else None
        if breached is not None and breached.breached and "Retry-After" not in response.headers:
            try:
                seconds = breached.reset_at - int(time.time())
            except redis.RedisError:  # the window unknown: at most its length
                seconds = breached.limit.get_expiry()
            response.headers["Retry-After"] = str(max(1, seconds))
        return response

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if not in_middleware:
            super()._check_request_limit(callable_name, in_middleware)


REDIS_TIMEOUT = 2  # seconds to connect to Redis and for each answer: a hung Redis cannot hold a worker


@functools.cache
def redis_client(url: str) -> redis.Redis:
    """The process's client of ``REDIS_URL`` (device nonces, the readiness check)."""
    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
csrf = CSRFProtect()
limiter = ViewLimiter(key_func=get_remote_address)
