"""A mypy plugin (pyproject.toml's [tool.mypy] plugins): SQLAlchemy 2.0 types ``Session.execute()`` as
returning ``Result`` for any statement, but an INSERT, UPDATE or DELETE without RETURNING gives a
``CursorResult``, whose ``rowcount`` the conditional UPDATEs rely on. This tells mypy so, for the session
and for ``db.session`` (a ``scoped_session``); a statement with RETURNING keeps SQLAlchemy's own type."""

from collections.abc import Callable

from mypy.plugin import MethodContext, Plugin
from mypy.types import AnyType, Instance, Type, TypeOfAny, get_proper_type

EXECUTE = {"sqlalchemy.orm.session.Session.execute", "sqlalchemy.orm.scoping.scoped_session.execute"}
DML = "sqlalchemy.sql.dml.UpdateBase"
RETURNING = "sqlalchemy.sql.selectable.TypedReturnsRows"
CURSOR_RESULT = "sqlalchemy.CursorResult"  # as the package exports it (the plugin API looks names up so)


def execute_result(ctx: MethodContext) -> Type:
    statement = get_proper_type(ctx.arg_types[0][0]) if ctx.arg_types and ctx.arg_types[0] else None
    if isinstance(statement, AnyType):  # e.g. built on a model's __table__ or insert_for(): unknown
        return AnyType(TypeOfAny.from_another_any, source_any=statement)
    if (
        isinstance(statement, Instance)
        and statement.type.has_base(DML)
        and not statement.type.has_base(RETURNING)
    ):
        return ctx.api.named_generic_type(CURSOR_RESULT, [AnyType(TypeOfAny.special_form)])
    return ctx.default_return_type


class DMLResultPlugin(Plugin):
    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        return execute_result if fullname in EXECUTE else None


def plugin(version: str) -> type[Plugin]:
    return DMLResultPlugin
