"""Every action the code records has a Chinese name for the audit log, and every target type it names
leads to a console page that exists.

The actions are read from the source: each ``record(actor, action, ...)`` (or ``record_in(chain, actor,
action, ...)``) call's action, whether a
literal, a choice of literals (``"a" if x else "b"``), a name bound to one (``ACTION = "..."``, ``action =
...``) or an f-string (whose values are listed in F_STRINGS below: add a new one there).
"""

import ast
from pathlib import Path

import pytest

from admin.audit.names import ACTION_NAMES, TARGETS, action_name, target_of
from cloudplatform.extensions import db
from cloudplatform.identity.models import PENDING, ResidencyRequest
from cloudplatform.service.aid.models import STEP_NAMES as AID_STEP_ACTIONS
from cloudplatform.service.bookings.models import CONFIRMED, REJECTED
from cloudplatform.service.demands.models import STEP_NAMES as DEMAND_STEP_ACTIONS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    path
    for package in ("cloudplatform", "admin", "miniprogram_api")
    for path in (ROOT / package).rglob("*.py")
    if "migrations" not in path.parts
)
AUDIT_MODULE = "cloudplatform.audit.operations"
ACTION_AT = {"record": 1, "record_in": 2}  # the writers and where their action is among the arguments

# The values an action built with an f-string can take (the source of the f-string → the actions).
F_STRINGS = {
    "f'demand.{action}'": {f"demand.{a}" for a in DEMAND_STEP_ACTIONS},
    "f'aid_application.{action}'": {f"aid_application.{a}" for a in AID_STEP_ACTIONS},
    "f'residency.{request.status}'": {f"residency.{s}" for s in ResidencyRequest.TRANSITIONS[PENDING]},
    "f'booking.{booking.status}'": {f"booking.{s}" for s in (CONFIRMED, REJECTED)},  # decide_booking
}


class Unresolved(Exception):
    pass


def record_names(tree: ast.Module) -> tuple[dict[str, int], set[str]]:
    """The names the writers are imported as (with where their action is), and the names the audit
    module is imported as."""
    functions: dict[str, int] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == AUDIT_MODULE:
            functions |= {a.asname or a.name: ACTION_AT[a.name] for a in node.names if a.name in ACTION_AT}
        elif isinstance(node, ast.ImportFrom) and node.module == "cloudplatform.audit":
            modules |= {a.asname or a.name for a in node.names if a.name == "operations"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == AUDIT_MODULE and a.asname}
    return functions, modules


def assigned(node: ast.AST, name: str) -> ast.expr | None:
    """The value ``node`` assigns to ``name`` (``name = ...`` or ``name: str = ...``), if it does."""
    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
        return node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
        return node.value
    return None


def assignments(scope: ast.AST, name: str) -> list[ast.expr]:
    """The values ``name`` is assigned in ``scope`` (not looking into nested functions or classes)."""
    found = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if (value := assigned(node, name)) is not None:
            found.append(value)
        stack.extend(ast.iter_child_nodes(node))
    return found


def values_of(node: ast.expr, scopes: list[ast.AST]) -> set[str]:
    """The strings ``node`` can evaluate to; ``scopes`` from the innermost (the function) outwards."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return values_of(node.body, scopes) | values_of(node.orelse, scopes)
    if isinstance(node, ast.JoinedStr):
        source = ast.unparse(node)
        if source not in F_STRINGS:
            raise Unresolved(f"{source}: list the actions it can make in F_STRINGS")
        return F_STRINGS[source]
    if isinstance(node, ast.Name):
        for depth, scope in enumerate(scopes):
            if values := assignments(scope, node.id):
                return set().union(*(values_of(v, scopes[depth:]) for v in values))
        raise Unresolved(f"{node.id}: not assigned in the function or the module")
    raise Unresolved(f"{ast.unparse(node)}: give record() a literal, a constant or an f-string listed here")


def recorded_actions(source: str) -> set[str]:
    """The actions the module's ``record()`` calls can record."""
    tree = ast.parse(source)
    functions, modules = record_names(tree)
    actions: set[str] = set()

    def visit(node: ast.AST, scopes: list[ast.AST]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            scopes = [node, *scopes]
        if isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Name) and node.func.id in functions)
            or (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in ACTION_AT
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in modules
            )
        ):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            at = functions[name] if isinstance(node.func, ast.Name) else ACTION_AT[name]
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            if action is None and len(node.args) > at:
                action = node.args[at]
            if action is None:
                raise Unresolved(f"line {node.lineno}: record() without an action")
            actions.update(values_of(action, scopes))
        for child in ast.iter_child_nodes(node):
            visit(child, scopes)

    visit(tree, [tree])
    return actions


def all_recorded_actions() -> set[str]:
    actions = set()
    for path in SOURCES:
        if path.relative_to(ROOT).as_posix() == "cloudplatform/audit/operations.py":
            continue  # the writer itself
        try:
            actions |= recorded_actions(path.read_text(encoding="utf-8"))
        except Unresolved as error:
            pytest.fail(f"{path.relative_to(ROOT)}: {error}")
    return actions


def test_every_recorded_action_has_a_chinese_name():
    recorded = all_recorded_actions()
    assert "staff.sign_in" in recorded  # the scan finds the calls
    assert sorted(recorded - set(ACTION_NAMES)) == []


def test_every_named_action_is_still_recorded():
    """A name left behind by a renamed action would offer a filter that finds nothing."""
    assert sorted(set(ACTION_NAMES) - all_recorded_actions()) == []


@pytest.mark.parametrize(
    ("source", "actions"),
    [
        ('from cloudplatform.audit.operations import record\nrecord(s, "a.b")', {"a.b"}),
        ('from cloudplatform.audit.operations import record as audit\naudit(s, action="a.b")', {"a.b"}),
        ('from cloudplatform.audit import operations\noperations.record(s, "a.b")', {"a.b"}),
        ('from cloudplatform.audit.operations import record_in\nrecord_in(c, s, "a.b", target=r)', {"a.b"}),
        (
            'from cloudplatform.audit.operations import record\nrecord(s, "a.on" if x else "a.off")',
            {"a.on", "a.off"},
        ),
        (
            "from cloudplatform.audit.operations import record\n"
            'ACTION = "a.b"\ndef f():\n    record(s, ACTION)',
            {"a.b"},
        ),
        (
            "from cloudplatform.audit.operations import record\n"
            'def f(on):\n    action = "a.on" if on else "a.off"\n    record(s, action)',
            {"a.on", "a.off"},
        ),
        (
            "from cloudplatform.audit.operations import record\n"
            'ACTION = "a.module"\ndef f():\n    ACTION = "a.local"\n    record(s, ACTION)',
            {"a.local"},
        ),
        (
            "from cloudplatform.audit.operations import record\n"
            "def f():\n    record(s, f'booking.{booking.status}')",
            {"booking.confirmed", "booking.rejected"},
        ),
        ('record(s, "not.the.audit")', set()),  # another record(): not imported from audit
    ],
)
def test_the_scan_resolves_how_actions_are_passed(source, actions):
    assert recorded_actions(source) == actions


@pytest.mark.parametrize(
    "source",
    [
        "from cloudplatform.audit.operations import record\nrecord(s, f'x.{y}')",
        "from cloudplatform.audit.operations import record\nrecord(s, make_action())",
        "from cloudplatform.audit.operations import record\nrecord(s, UNKNOWN)",
        "from cloudplatform.audit.operations import record\nrecord(s)",
    ],
)
def test_the_scan_refuses_what_it_cannot_resolve(source):
    with pytest.raises(Unresolved):
        recorded_actions(source)


def test_unknown_actions_show_as_recorded():
    assert action_name("test.something") == "test.something"
    assert action_name("staff.sign_in") == "登录后台"


def test_unlinking_is_named_apart_from_linking():
    assert action_name("staff.link_user", {"user_id": 7}) == "关联微信用户"
    assert action_name("staff.link_user", {"user_id": None}) == "解除微信关联"


def test_target_types_are_models_and_their_pages_exist(app):
    models = {mapper.class_.__name__ for mapper in db.Model.registry.mappers}
    assert sorted(set(TARGETS) - models) == []
    endpoints = {rule.endpoint: rule.arguments for rule in app.url_map.iter_rules()}
    for kind in TARGETS.values():
        if kind.endpoint is not None:
            assert kind.endpoint in endpoints, kind
            if kind.arg is not None and kind.arg in endpoints[kind.endpoint]:
                continue  # a path argument
            assert endpoints[kind.endpoint] == set(), kind  # a query argument or none


def test_targets_link_to_their_page(app):
    with app.test_request_context():
        assert target_of("Notice", "7") == target_of("Notice", "7")
        notice = target_of("Notice", "7")
        assert (notice.text, notice.url) == ("通知公告 #7", "/admin/notices/7")
        staff = target_of("StaffAccount", "3")
        assert (staff.text, staff.url) == ("工作人员账号 #3", "/admin/staff?account=3")
        upload = target_of("Upload", "5")
        assert (upload.text, upload.url) == ("附件 #5", None)
        assert target_of("Mystery", "1").text == "Mystery #1"
        assert target_of(None, None) is None
        assert target_of("Notice", "abc").url is None  # never a page for an id that is none
