"""Shared schema pieces, and Chinese texts for marshmallow's built-in validation messages.

The 422 envelope lists each bad field with these messages, which the mini-program shows as they are.
"""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from marshmallow import fields, validate

from cloudplatform.clock import local
from cloudplatform.routing import MAX_ID

CHINESE_FIELD_MESSAGES = {
    fields.Field: {"required": "此项必填", "null": "不能为空", "validator_failed": "取值无效"},
    fields.String: {"invalid": "应为字符串", "invalid_utf8": "不是有效的 UTF-8 文本"},
    fields.Integer: {"invalid": "应为整数"},
    fields.Number: {"invalid": "应为数字", "too_large": "数值过大"},
    fields.Float: {"special": "不允许 NaN 或无穷大"},
    fields.Boolean: {"invalid": "应为布尔值"},
    fields.Date: {"invalid": "日期格式应为 YYYY-MM-DD"},
    fields.DateTime: {"invalid": "时间格式应为 ISO 8601"},
    fields.Nested: {"type": "类型无效"},
    fields.List: {"invalid": "应为列表"},
    fields.Mapping: {"invalid": "应为对象"},
    fields.UUID: {"invalid_uuid": "应为 UUID"},
    fields.Email: {"invalid": "邮箱地址无效"},
    fields.URL: {"invalid": "网址无效"},
}


def use_chinese_messages() -> None:
    for field_class, messages in CHINESE_FIELD_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    ma.Schema._default_error_messages = {"type": "输入类型无效", "unknown": "不支持的字段"}
    validate.Length.message_min = "长度不能少于 {min}"
    validate.Length.message_max = "长度不能超过 {max}"
    validate.Length.message_all = "长度应在 {min} 到 {max} 之间"
    validate.Length.message_equal = "长度应为 {equal}"
    validate.Range.message_min = "应{min_op} {{min}}"
    validate.Range.message_max = "应{max_op} {{max}}"
    validate.Range.message_all = "应{min_op} {{min}} 且{max_op} {{max}}"
    validate.Range.message_gte, validate.Range.message_gt = "大于等于", "大于"
    validate.Range.message_lte, validate.Range.message_lt = "小于等于", "小于"
    validate.OneOf.default_message = "应为以下之一：{choices}"
    validate.Regexp.default_message = "格式无效"


use_chinese_messages()

# Text no field takes: control characters but tab and line breaks (PostgreSQL cannot store NUL), the bidi
# embeddings, overrides and isolates (they make a console line read differently from what it says), and
# lone surrogates (no UTF-8 for them: the database and the JSON answer refuse them). The document's
# patterns leave the surrogates out (JSON text cannot carry a lone one but as an escape, and most regex
# engines cannot name them); they are in the syntax both Python and ECMA-262 read.
_CONTROLS_BUT_LINE_BREAKS = "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F"
_BIDI = "\\u202A-\\u202E\\u2066-\\u2069"
UNSTORABLE = re.compile(f"[{_CONTROLS_BUT_LINE_BREAKS}{_BIDI}\\uD800-\\uDFFF]")
TEXT = f"^[^{_CONTROLS_BUT_LINE_BREAKS}{_BIDI}]*$"  # what every text field takes
PRINTABLE = f"^[^\\u0000-\\u001F\\u007F-\\u009F{_BIDI}]*$"  # one line: no line breaks either
UNSTORABLE_MESSAGE = "不能包含控制字符或无效字符"


def unstorable_fields(data: Any) -> dict[str, list[str]]:
    """The paths (``name``, ``items.0.name``) of every text in a request's data, or key, that no field
    takes (``UNSTORABLE``), each with the 422 message. Walks without recursion (any depth of nesting)."""
    return {
        path: [UNSTORABLE_MESSAGE]
        for path, value in _leaves(data, check_key=lambda key: bool(UNSTORABLE.search(key)))
        if isinstance(value, str) and UNSTORABLE.search(value)
    }


# Days no field takes: a calendar year before 1900 or after 2099 is a typing error in a community's
# records, and at the calendar's edges (year 1, year 9999) converting a time to UTC or adding a day
# overflows. Every date and time of the document says so with ``DATE_PATTERN`` unless it has its own.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2099, 12, 31)
DATE_PATTERN = "^(19|20)[0-9]{2}-"
OUT_OF_RANGE_MESSAGE = "日期应在 1900-01-01 到 2099-12-31 之间"


def out_of_range_dates(data: Any) -> dict[str, list[str]]:
    """The paths of every date or time in loaded data outside ``FIRST_DATE``–``LAST_DATE``, each with the
    422 message (the year as written: no conversion, which could overflow)."""
    return {
        path: [OUT_OF_RANGE_MESSAGE]
        for path, value in _leaves(data)
        if isinstance(value, date) and not FIRST_DATE.year <= value.year <= LAST_DATE.year
    }


def _leaves(data: Any, check_key=None):
    """``(path, value)`` of every value that is neither a mapping nor a list, without recursion; a key
    ``check_key`` refuses gives ``(its mapping's path or "_schema", key)`` instead of its value."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, Mapping):
            for key in value:
                if check_key is not None and check_key(str(key)):
                    yield path or "_schema", str(key)
                    continue
                items = value.getlist(key) if hasattr(value, "getlist") else [value[key]]
                pending.extend((f"{path}.{key}" if path else str(key), item) for item in items)
        elif isinstance(value, list | tuple):
            pending.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
        else:
            yield path or "_schema", value


def text_pattern(converter, field, ret: dict, **kwargs) -> dict:
    """apispec attribute function: every text field without a pattern of its own is documented with
    ``TEXT`` (what ``unstorable_fields`` lets through), every date and time with ``DATE_PATTERN`` (what
    ``out_of_range_dates`` lets through), so that clients and generated tests know."""
    if "pattern" in ret or field.dump_only:
        return {}
    if isinstance(field, fields.String):
        return {"pattern": TEXT}
    if isinstance(field, fields.Date | fields.DateTime):
        return {"pattern": DATE_PATTERN}
    return {}


def Id(**kwargs) -> fields.Integer:
    """A record id in a JSON body: a whole number from 1 to 2**31-1 (7.9 or "7" are refused)."""
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


def QueryId(description: str, *, required: bool = False) -> fields.Integer:
    """A record id in a query string (text: "7" is fine), from 1 to 2**31-1; optional unless ``required``."""
    return fields.Integer(
        validate=validate.Range(1, MAX_ID),
        metadata={"description": description, "example": 1},
        **({"required": True} if required else {"load_default": None}),
    )


class LocalDateTime(fields.DateTime):
    """A stored UTC time in Beijing time (``2026-12-08T09:00:00+08:00``), for display."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(None if value is None else local(value), attr, obj, **kwargs)


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def LocalDay(description: str, **kwargs) -> fields.Date:
    """A Beijing calendar day ``YYYY-MM-DD`` of this century (the document's pattern says so too)."""
    return fields.Date(
        validate=validate.Range(FIRST_DAY, LAST_DAY),
        metadata={
            "description": description,
            "pattern": "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$",
            "example": "2026-12-08",
        },
        **kwargs,
    )


def Text(length: int, example: str, description: str = "", minimum: int = 0, **kwargs) -> fields.String:
    """One line of text: printable characters only (``PRINTABLE``)."""
    return fields.String(
        validate=[validate.Length(minimum, length), validate.Regexp(PRINTABLE)],
        metadata={"description": description, "pattern": PRINTABLE, "example": example},
        **kwargs,
    )


def Named(names: dict[str, str], attribute: str, example: str, description: str) -> fields.Function:
    return fields.Function(
        lambda obj: names.get(getattr(obj, attribute) or "", ""),
        metadata={"type": "string", "description": description, "example": example},
    )


def When(attribute: str, example: str, description: str, **kwargs) -> fields.DateTime:
    return fields.DateTime(
        attribute=attribute, metadata={"description": description, "example": example}, **kwargs
    )


def LocalWhen(attribute: str, example: str, description: str) -> LocalDateTime:
    return LocalDateTime(
        attribute=attribute, dump_only=True, metadata={"description": description, "example": example}
    )


class VenueScreenSchema(ma.Schema):
    """A venue screen's code now (``cloudplatform.venue``), for a screen that draws the QR code itself."""

    code = fields.String(
        metadata={
            "description": "the code to show (people scan it to check in and out); changes every 30 seconds",
            "example": "party_activity.7.59357281.3yZe8H6kT0aVq9XbN4mJ2w",
        }
    )
    expires_in = fields.Integer(
        metadata={"description": "seconds until it changes: fetch it again then", "minimum": 1, "example": 17}
    )


class ListedSchema(ma.Schema):
    """A schema of the items of a hot list (many rows per answer): it dumps what marshmallow's dump does,
    without marshmallow's per-field lookup.

    marshmallow looks each value up through ``Schema.get_attribute`` and ``utils.get_value`` (a split on
    dots, an item lookup tried first); that lookup was half of dumping a page of slots. Here a field
    whose value is a plain attribute of an ORM object or a result row is read with ``getattr``, and the
    field's own ``_serialize`` makes the value, as in marshmallow. Everything else takes marshmallow's own
    path: a dict, a dotted attribute (no object has one by that name), a missing value (a default, or the
    key left out), a field that looks its value up its own way, and a schema with dump hooks or its own
    ``get_attribute``.
    """

    def dump(self, obj: Any, *, many: bool | None = None):
        many = self.many if many is None else bool(many)
        if "_plan" not in self.__dict__:
            self._plan = self._make_plan()
        plan = self._plan
        if plan is None or (many and obj is None):
            return super().dump(obj, many=many)
        if many:
            return [self._dump_one(plan, item) for item in obj]
        return self._dump_one(plan, obj)

    def _make_plan(self) -> list | None:
        """(key, name, attribute, field) for each field, the attribute None for a field marshmallow looks
        up itself; None when the schema changes how values are found (dump hooks, ``get_attribute``)."""
        hooks = self._hooks[ma.decorators.PRE_DUMP] or self._hooks[ma.decorators.POST_DUMP]
        if hooks or type(self).get_attribute is not ma.Schema.get_attribute:
            return None
        plan = []
        for name, field in self.dump_fields.items():
            plain = type(field).serialize is fields.Field.serialize
            plain = plain and type(field).get_value is fields.Field.get_value
            key = field.data_key if field.data_key is not None else name
            plan.append((key, name, (field.attribute or name) if plain else None, field))
        return plan

    def _dump_one(self, plan: list, obj: Any) -> dict:
        if hasattr(obj, "__getitem__") and not isinstance(obj, sa.Row):
            return super().dump(obj, many=False)  # a dict: marshmallow tries obj[key] first
        result = self.dict_class()
        for key, name, attribute, field in plan:
            if attribute is None:
                value = field.serialize(name, obj, accessor=self.get_attribute)
            elif not field._CHECK_ATTRIBUTE:  # a Function: it reads the object itself
                value = field._serialize(None, name, obj)
            else:
                value = getattr(obj, attribute, ma.missing)
                if value is ma.missing:  # a dotted attribute, a default, or the key left out
                    value = field.serialize(name, obj, accessor=self.get_attribute)
                else:
                    value = field._serialize(value, name, obj)
            if value is not ma.missing:
                result[key] = value
        return result
