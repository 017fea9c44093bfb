"""Shared schema pieces, and Chinese texts for marshmallow's built-in validation messages.

The 422 envelope lists each bad field with these messages, which the mini-program shows as they are.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import marshmallow as ma
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
# lone surrogates (no UTF-8 for them: the database and the JSON answer refuse them).
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
UNSTORABLE_MESSAGE = "不能包含控制字符或无效字符"
YEARS = range(1900, 2101)  # dates outside these years are typing errors (and overflow date arithmetic)
YEARS_MESSAGE = f"日期应在 {YEARS.start} 年至 {YEARS.stop - 1} 年之间"


def refused_fields(data: Any, refuse: Callable[[Any], bool], message: str) -> dict[str, list[str]]:
    """The paths (``name``, ``items.0.name``) of every value in a request's data, or key, that ``refuse``
    refuses, each with ``message``. Walks without recursion (any depth of nesting)."""
    refused: dict[str, list[str]] = {}
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, Mapping):
            for key in value:
                if refuse(key):
                    refused[path or "_schema"] = [message]
                    continue
                items = value.getlist(key) if hasattr(value, "getlist") else [value[key]]
                pending.extend((f"{path}.{key}" if path else str(key), item) for item in items)
        elif isinstance(value, list | tuple):
            pending.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
        elif refuse(value):
            refused[path or "_schema"] = [message]
    return refused


def unstorable_fields(data: Any) -> dict[str, list[str]]:
    """Text (values and keys of the raw input) that no field takes: ``UNSTORABLE``."""
    return refused_fields(
        data, lambda v: isinstance(v, str) and UNSTORABLE.search(v) is not None, UNSTORABLE_MESSAGE
    )


def uncalendared_fields(data: Any) -> dict[str, list[str]]:
    """Dates and times (of the loaded input) outside ``YEARS``."""
    return refused_fields(data, lambda v: isinstance(v, date) and v.year not in YEARS, YEARS_MESSAGE)


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
