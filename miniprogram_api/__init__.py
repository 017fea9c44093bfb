"""The JSON API of the mini-program under /api/v1: thin views over the core's operations."""

from flask_smorest import Api


def register(api: Api) -> None:
    """Register every mini-program blueprint on the API (domains add theirs here)."""
