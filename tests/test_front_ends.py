"""The front ends hold no queries: ``admin/`` and ``miniprogram_api/`` read through the core's
``queries`` and write through its ``operations``; neither touches SQLAlchemy or the session."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRONT_ENDS = ("admin", "miniprogram_api")
MODULES = sorted(path for package in FRONT_ENDS for path in (ROOT / package).rglob("*.py"))


def database_access(source: str) -> list[str]:
    """What in ``source`` reaches the database itself, one line each: "<line>: <what>"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                f"{node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] in ("sqlalchemy", "flask_sqlalchemy")
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in ("sqlalchemy", "flask_sqlalchemy"):
                found.append(f"{node.lineno}: from {node.module} import ...")
            if node.module == "cloudplatform.extensions" and any(a.name == "db" for a in node.names):
                found.append(f"{node.lineno}: from cloudplatform.extensions import db")
        elif isinstance(node, ast.Name) and node.id == "select":
            found.append(f"{node.lineno}: select")
        elif isinstance(node, ast.Attribute) and node.attr == "select":
            found.append(f"{node.lineno}: .select")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "session"
            and isinstance(node.value, ast.Name)
            and node.value.id == "db"
        ):
            found.append(f"{node.lineno}: db.session")
    return sorted(found, key=lambda line: int(line.split(":")[0]))


def test_the_front_ends_have_modules_to_check():
    assert {p.relative_to(ROOT).parts[0] for p in MODULES} == set(FRONT_ENDS)
    assert ROOT / "admin" / "bookings" / "views.py" in MODULES  # the domain packages are walked too


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_front_end_module_does_not_query_the_database(path):
    assert database_access(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "finding"),
    [
        ("import sqlalchemy as sa", "1: import sqlalchemy"),
        ("import sqlalchemy.orm", "1: import sqlalchemy.orm"),
        ("from sqlalchemy import select", "1: from sqlalchemy import ..."),
        ("from sqlalchemy.orm import joinedload", "1: from sqlalchemy.orm import ..."),
        ("from flask_sqlalchemy import SQLAlchemy", "1: from flask_sqlalchemy import ..."),
        ("from cloudplatform.extensions import csrf, db", "1: from cloudplatform.extensions import db"),
        ("x = db.session.get(User, 1)", "1: db.session"),
        ("db.session.rollback()", "1: db.session"),
        ("rows = select(User)", "1: select"),
        ("rows = sa.select(User)", "1: .select"),
        ("rows = db.select(User)", "1: .select"),
    ],
)
def test_the_check_finds_database_access(source, finding):
    assert database_access(source) == [finding]


def test_the_check_leaves_queries_through_the_core_alone():
    source = (
        "from cloudplatform.extensions import limiter\n"
        "from cloudplatform.service.bookings import queries\n"
        "items = queries.day_bookings(bookable, day)\n"
        "selected = form.choices\n"
    )
    assert database_access(source) == []
