"""Shared test fixtures live in plugin modules (``pytest_plugins``), never imported from a conftest."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def conftest_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return [name for name in names if name.split(".")[-1] == "conftest"]


def test_no_module_imports_a_conftest():
    offenders = {
        str(path.relative_to(TESTS)): found
        for path in TESTS.rglob("*.py")
        if (found := conftest_imports(path))
    }
    assert offenders == {}
