"""Who is calling: the bearer token of the mini-program, and the staff account linked to it."""

from functools import wraps

from flask import current_app, g, request

from cloudplatform.extensions import limiter
from cloudplatform.identity.errors import StaffOnly, TokenInvalid, TokenMissing
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.operations import user_for_token


def public_rate_limit() -> str:
    """Requests per client address to what a stranger can reach without logging in."""
    return current_app.config["PUBLIC_RATE_LIMIT"]


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def login_required(view):
    """Load the caller from the bearer token into ``g.user``, and their active staff account (or None)
    into ``g.staff`` (401 without a live token)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if token is None:
            raise TokenMissing()
        caller = user_for_token(token)
        if caller is None:
            raise TokenInvalid()
        g.user, g.staff = caller
        g.actor_key = f"user:{g.user.id}"
        return view(*args, **kwargs)

    wrapper.requires_login = True  # the document adds bearer security and the 401s
    return wrapper


def rate_limited(limit, **kwargs):
    """Limit the view with flask-limiter (429 with Retry-After), marked so that the document says so."""

    def decorate(view):
        limited = limiter.limit(limit, **kwargs)(view)
        limited.rate_limited = True
        return limited

    return decorate


def current_user() -> User:
    return g.user


def linked_staff() -> StaffAccount | None:
    """The active staff account linked to the caller's WeChat user, or None."""
    return g.staff


def current_staff() -> StaffAccount:
    """The staff account linked to the caller's WeChat user; 403 for everyone else."""
    staff = linked_staff()
    if staff is None:
        raise StaffOnly()
    return staff
