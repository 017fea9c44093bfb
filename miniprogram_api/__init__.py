"""The JSON API of the mini-program under /api/v1: thin views over the core's operations.

One module per domain; each registers its residents' blueprint ``bp`` and, where staff work from the
mini-program too, its ``staff_bp`` under ``/api/v1/staff``.
"""

import importlib
import pkgutil

from flask_smorest import Api

from miniprogram_api.docs import describe_api


def register(api: Api) -> None:
    """Register every mini-program blueprint on the API, and the document's shared parts."""
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
    ]
    describe_api(api)  # before the paths: they refer to its components
    for module in modules:
        for name in ("bp", "staff_bp"):
            if hasattr(module, name):
                api.register_blueprint(getattr(module, name))
