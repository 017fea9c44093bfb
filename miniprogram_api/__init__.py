"""The JSON API of the mini-program under /api/v1: thin views over the core's operations."""

from flask_smorest import Api

from miniprogram_api import identity, staff


def register(api: Api) -> None:
    """Register every mini-program blueprint on the API."""
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for module in (identity, staff):
        api.register_blueprint(module.bp)
