"""The JSON API of the mini-program under /api/v1: thin views over the core's operations.

Every module of this package that defines a flask-smorest blueprint ``bp`` is registered.
"""

import importlib
import pkgutil

from flask_smorest import Api


def register(api: Api) -> None:
    """Register every mini-program blueprint on the API."""
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "bp"):
            api.register_blueprint(module.bp)
