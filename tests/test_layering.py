"""The packages import each other only downwards (the team's whiteboard, ``never`` arrows)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_MODULES = {"__init__", "devserver", "demo", "models"}  # the composition root, not the kernel

# part -> the parts it must never import
NEVER = {
    "kernel": {
        "identity",
        "service",
        "party",
        "locker",
        "volunteer",
        "notify",
        "wechat",
        "jobs",
        "audit",
        "miniprogram_api",
        "admin",
        "device_api",
    },
    "wechat": {
        "identity",
        "service",
        "party",
        "locker",
        "volunteer",
        "notify",
        "jobs",
        "audit",
    },  # the gateway knows no domain
    "identity": {
        "service",
        "party",
        "locker",
        "volunteer",
        "notify",
        "jobs",
        "miniprogram_api",
        "admin",
    },  # notify imports identity
    "notify": {"service", "party", "locker", "volunteer", "jobs", "miniprogram_api", "admin"},
    "audit": {"identity", "service", "party", "locker", "volunteer", "notify"},
    "service": {"party", "volunteer", "jobs", "miniprogram_api", "admin", "device_api"},
    "party": {
        "service",
        "locker",
        "volunteer",
        "jobs",
        "miniprogram_api",
        "admin",
        "device_api",
    },  # venue QR: kernel
    "locker": {
        "service",
        "party",
        "volunteer",
        "jobs",
        "miniprogram_api",
        "admin",
        "device_api",
    },  # knows no caller
    # the 爱心超市 hands rewards over by locker; organisations come from service; the venue QR is kernel
    "volunteer": {"party", "jobs", "miniprogram_api", "admin", "device_api"},
    "device_api": {
        "miniprogram_api",
        "admin",
        "service",
        "party",
        "volunteer",
    },  # the cabinets' face: lockers only
    "miniprogram_api": {"admin", "device_api"},
    "admin": {"miniprogram_api", "device_api"},
}


def part_of_module(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] in ("miniprogram_api", "admin", "device_api"):
        return parts[0]
    if parts[0] != "cloudplatform" or len(parts) < 2:
        return None
    if parts[1] in (
        "identity",
        "service",
        "party",
        "locker",
        "volunteer",
        "notify",
        "wechat",
        "jobs",
        "audit",
    ):
        return parts[1]
    return None if parts[1] in APP_MODULES | {"migrations"} else "kernel"


def part_of_file(path: Path) -> str | None:
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return part_of_module(module.removesuffix(".__init__") if path.name == "__init__.py" else module)


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


SOURCES = sorted(
    path
    for top in ("cloudplatform", "miniprogram_api", "admin", "device_api")
    for path in (ROOT / top).rglob("*.py")
    if "migrations" not in path.parts
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_imports_no_package_it_must_not(path):
    part = part_of_file(path)
    forbidden = NEVER.get(part, set())
    crossing = sorted({name for name in imported_modules(path) if part_of_module(name) in forbidden})
    assert crossing == [], f"{part} must not import {crossing}"
