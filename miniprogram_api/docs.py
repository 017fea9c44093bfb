"""The OpenAPI document as the mini-program developers' manual: what each operation documents by itself.

Views declare what only they know — the domain errors they can answer, with ``@errors(SlotFull, ...)`` —
and ``Blueprint`` adds the rest from the view's own decorators when the document is built:

- ``login_required``: bearer security, 401 ``TOKEN_MISSING`` / ``TOKEN_INVALID``;
- ``bp.arguments``: 422 ``VALIDATION_ERROR`` (``INVALID_CURSOR`` for page arguments); a JSON body also
  400 ``MALFORMED_JSON``, 413 and 415;
- ``idempotent``: the ``Idempotency-Key`` header, the ``Idempotent-Replayed`` response header and the
  idempotency codes;
- ``rate_limited``: 429 ``RATE_LIMITED`` with ``Retry-After``;
- a record id in the path (``<id:...>``): 404 ``NOT_FOUND``;
- the blueprint's ``errors`` (a staff blueprint's ``STAFF_ONLY``, ``FORBIDDEN``).

Every operation gets the ``X-Request-ID`` request and response header, error responses that name their
codes (with one example envelope per code), and JSON examples composed from the fields' ``example``
metadata. ``describe_api`` puts the error-code table, generated from the ``AppError`` classes, into the
document's description and its ``x-error-codes`` extension.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import resolve_schema_instance
from webargs.flaskparser import FlaskParser

from cloudplatform.errors import (
    AppError,
    ErrorSchema,
    MalformedJson,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unprocessable,
    UnsupportedMediaType,
    error_classes,
    meaning,
)
from cloudplatform.idempotency import (
    HEADER,
    MAX_KEY_LENGTH,
    REPLAYED_HEADER,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
)
from cloudplatform.identity.errors import TokenInvalid, TokenMissing
from cloudplatform.logs import REQUEST_ID_PATTERN
from cloudplatform.pagination import InvalidCursor, PageArgsSchema
from cloudplatform.schemas import out_of_range_dates, text_pattern, unstorable_fields
from cloudplatform.service.uploads.content import EXTENSIONS

REQUEST_ID = "X-Request-ID"
RETRY_AFTER = "Retry-After"
EXAMPLE_REQUEST_ID = "9f1c2d3e4b5a69788796a5b4c3d2e1f0"
SECURITY: list[dict[str, list]] = [{"bearer": []}]


def errors(*classes: type[AppError]):
    """Declare the domain errors a view can answer (documented per status, with their codes)."""

    def decorate(view):
        view.error_classes = (*getattr(view, "error_classes", ()), *classes)
        return view

    return decorate


FILE_TYPES = tuple(EXTENSIONS)  # every type an uploaded file may be, by its content


def document_file_types(responses: dict, serves: bool) -> None:
    """A file download's (``serves``) 200 response, under each type the file may be."""
    for status in (200, "200"):
        if serves and status in responses:
            media = next(iter(responses[status]["content"].values()))
            responses[status]["content"] = {kind: dict(media) for kind in FILE_TYPES}


BINARY = {"type": "string", "format": "binary"}


def serves_files(blueprint):
    """A file download whose ``Content-Type`` is what the file's content is: its 200 response is
    documented under each type an upload may be (PDF, JPEG, PNG, Word, Excel, plain text)."""

    def decorate(view):
        view = blueprint.response(
            200,
            BINARY,
            content_type="application/octet-stream",
            description="the file, as `Content-Disposition: attachment` with its name (RFC 5987 "
            "`filename*`); `Content-Type` is what its content is",
        )(view)
        view.serves_files = True
        return view

    return decorate


class Parser(FlaskParser):
    """webargs' parser with what every operation's input shares: a body that is not JSON is 415 whatever
    it says it is; JSON nested too deep or with a number too long to parse is 400 MALFORMED_JSON; text no
    field takes (``unstorable_fields``: NUL and other control characters, bidi overrides, lone surrogates)
    is 422 naming the field, before any schema sees it; so is a date or time outside 1900–2099
    (``out_of_range_dates``) once loaded. The document says both (``text_pattern``)."""

    def load_json(self, req, schema):
        if not req.is_json and req.get_data(cache=True):  # whatever it says it is (form, multipart, none)
            raise UnsupportedMediaType()
        try:
            return super().load_json(req, schema)
        except (RecursionError, ValueError):  # nested too deep; a number of over 4,300 digits
            raise MalformedJson() from None

    def pre_load(self, location_data, *, schema, req, location):
        refused = unstorable_fields(location_data)
        if refused:  # with the body's other faults, so that one answer names every bad field
            others = schema.validate(location_data) if location in ("json", "form") else {}
            raise ma.ValidationError({**others, **refused})
        return location_data

    def _process_location_data(self, location_data, schema, req, location, unknown, validators):
        data = super()._process_location_data(location_data, schema, req, location, unknown, validators)
        refused = out_of_range_dates(data)
        if refused:
            raise ma.ValidationError(refused)
        return data


class Blueprint(SmorestBlueprint):
    """flask-smorest's Blueprint whose operations document their errors, headers and examples.

    ``errors``: error classes every operation of the blueprint can answer (e.g. staff-only ones).
    """

    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args, errors: Iterable[type[AppError]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.default_errors = tuple(errors)
        self._prepare_doc_cbks.append(self._prepare_contract_doc)

    def arguments(self, schema, *args, **kwargs):
        """flask-smorest's ``arguments``, with a schema class made into its instance once: webargs would
        make a new one for every request (a tenth of a short request's time)."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **kwargs):
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **kwargs)
        contract = {
            "path_has_id": "<id:" in rule,
            "login": getattr(view_func, "requires_login", False),
            "idempotent": getattr(view_func, "idempotent", False),
            "rate_limited": getattr(view_func, "rate_limited", False),
            "files": getattr(view_func, "serves_files", False),
            "errors": [*self.default_errors, *getattr(view_func, "error_classes", ())],
        }
        for method, doc in self._docs[self._endpoints[-1]].items():
            if method != "parameters":
                doc["contract"] = contract

    @staticmethod
    def _prepare_contract_doc(doc, doc_info, *, app, **kwargs):
        contract = doc_info.get("contract")
        if contract is None:
            return doc
        arguments = [p for p in doc.get("parameters", []) if isinstance(p, dict) and "schema" in p]
        body = doc.get("requestBody", {}).get("content", {}).get("application/json")
        classes = [*contract["errors"], *implied_errors(contract, arguments, body)]
        if contract["login"]:
            doc["security"] = SECURITY
        responses = doc.setdefault("responses", {})
        document_file_types(responses, contract["files"])
        for status in list(responses):
            if isinstance(responses[status], dict) and status != "default":
                add_headers(responses[status], REPLAYED_HEADER if contract["idempotent"] else None)
                for media in responses[status].get("content", {}).values():
                    compose_example(media, dump=True)
        if contract["idempotent"]:
            doc.setdefault("parameters", []).append(idempotency_key(app.config["IDEMPOTENCY_TTL_HOURS"]))
        doc.setdefault("parameters", []).append(REQUEST_ID)
        if body:
            compose_example(body, dump=False)
        by_status = defaultdict(list)
        for cls in dict.fromkeys(classes):  # declared order, each once
            by_status[cls.status].append(cls)
        for status, group in by_status.items():
            responses[status] = error_response(group, validation_field(arguments, body))
        doc["responses"] = dict(
            sorted(responses.items(), key=lambda item: (item[0] == "default", str(item[0])))
        )
        return doc


def implied_errors(contract: dict, arguments: list, body: dict | None) -> list[type[AppError]]:
    """The errors an operation can answer because of how its view is declared (login, arguments, ...)."""
    classes: list[type[AppError]] = []
    if contract["login"]:
        classes += [TokenMissing, TokenInvalid]
    if arguments or body:
        classes.append(Unprocessable)
    if any(isinstance(resolve_schema_instance(p["schema"]), PageArgsSchema) for p in arguments):
        classes.append(InvalidCursor)
    if body:
        classes += [MalformedJson, PayloadTooLarge, UnsupportedMediaType]
    if contract["rate_limited"]:
        classes.append(RateLimited)
    if contract["path_has_id"]:
        classes.append(NotFound)
    if contract["idempotent"]:
        classes += [InvalidIdempotencyKey, IdempotencyKeyReused, IdempotencyInProgress]
    return classes


def add_headers(response: dict, *extra: str | None) -> None:
    headers = response.setdefault("headers", {})
    for name in (REQUEST_ID, *extra):
        if name:
            headers[name] = name


def idempotency_key(ttl_hours: int) -> dict:
    return {
        "in": "header",
        "name": HEADER,
        "required": False,
        "description": (
            "重试安全：同一个键与相同请求体的重试返回第一次的结果（响应头 Idempotent-Replayed: true），"
            "不会重复执行。A random key (a UUID is best) makes retries of this POST safe for "
            f"{ttl_hours} hours: a retry with the same key and body gets the first answer without doing "
            "the work twice; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED; while the first "
            "is still running, 409 IDEMPOTENCY_IN_PROGRESS."
        ),
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_KEY_LENGTH,
            "pattern": "^[!-~]+$",
            "example": "5b0e1c55-8f7d-4c1e-9a3b-2f6d7e8c9a10",
        },
    }


def validation_field(arguments: list[dict], body: dict | None) -> str:
    """A field to name in the example 422: the body's first, else the first argument's."""
    schemas = [body["schema"]] if body else [p["schema"] for p in arguments]
    for schema in schemas:
        names = list(resolve_schema_instance(schema).load_fields)
        if names:
            return names[0]
    return "_schema"


def error_response(classes: list[type[AppError]], field: str) -> dict:
    """One status's error response: its codes listed, one example envelope per code."""
    lines = [f"- `{cls.code}` {cls.message}: {meaning(cls)}" for cls in classes]
    codes = [cls.code for cls in classes]
    response: dict[str, Any] = {
        "description": "错误码 error codes:\n\n" + "\n".join(lines),
        "content": {
            "application/json": {
                # the envelope, with ``code`` one of this status's codes
                "schema": {
                    "allOf": [
                        ErrorSchema,
                        {
                            "type": "object",
                            "properties": {
                                "error": {
                                    "type": "object",
                                    "properties": {"code": {"type": "string", "enum": codes}},
                                }
                            },
                        },
                    ]
                },
                "examples": {
                    cls.code: {"summary": cls.message, "value": envelope(cls, field)} for cls in classes
                },
            }
        },
        "headers": {REQUEST_ID: REQUEST_ID},
        "x-error-codes": codes,
    }
    if any(cls.status == 429 for cls in classes):
        response["headers"][RETRY_AFTER] = RETRY_AFTER
    return response


def envelope(cls: type[AppError], field: str = "name") -> dict:
    details = getattr(cls, "example_details", None)
    if details is None:
        details = {"fields": {field: ["此项必填"]}} if cls is Unprocessable else {}
    return {
        "error": {
            "code": cls.code,
            "message": cls.message,
            "details": details,
            "request_id": EXAMPLE_REQUEST_ID,
        }
    }


# -- examples composed from the fields' metadata ----------------------------------------------------


def compose_example(media: dict, *, dump: bool) -> None:
    """Give a JSON media type an example built from its marshmallow schema, unless it has one."""
    if "example" in media or "examples" in media:
        return
    schema = media.get("schema")
    if isinstance(schema, type) and issubclass(schema, ma.Schema):
        schema = schema()
    if isinstance(schema, ma.Schema):
        media["example"] = example_of(schema, dump=dump)


def example_of(schema: ma.Schema, *, dump: bool):
    """The example object of a schema: each field's ``example`` metadata, nested schemas composed."""
    fields = schema.dump_fields if dump else schema.load_fields
    example = {}
    for name, field in fields.items():
        value = field_example(field, dump=dump)
        if value is not MISSING:
            example[field.data_key or name] = value
    return [example] if schema.many else example


MISSING = object()


def field_example(field: ma.fields.Field, *, dump: bool):
    if "example" in field.metadata:
        return field.metadata["example"]
    if isinstance(field, ma.fields.Nested):
        return example_of(field.schema, dump=dump)
    if isinstance(field, ma.fields.List):
        inner = field_example(field.inner, dump=dump)
        return MISSING if inner is MISSING else [inner]
    return MISSING


# -- the document as a whole ------------------------------------------------------------------------


def describe_api(api) -> None:
    """Register the shared headers, the default error response and the error-code table."""
    api.ma_plugin.converter.add_attribute_function(text_pattern)
    components = api.spec.components
    components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    components.header(
        REQUEST_ID,
        {
            "description": "本次请求的编号，日志中可查。The request's id (yours if you sent a valid "
            "one), shown in every log line and in error envelopes as request_id.",
            "required": True,
            "schema": {
                "type": "string",
                "pattern": REQUEST_ID_PATTERN.pattern,
                "example": EXAMPLE_REQUEST_ID,
            },
        },
    )
    components.header(
        RETRY_AFTER,
        {
            "description": "等待秒数。Seconds to wait before trying again.",
            "required": True,
            "schema": {"type": "integer", "minimum": 0, "example": 60},
        },
    )
    components.header(
        REPLAYED_HEADER,
        {
            "description": "重放的结果。`true` when this is the stored answer to an earlier request "
            "with the same Idempotency-Key (the work was not done again).",
            "schema": {"type": "string", "enum": ["true"]},
        },
    )
    components.parameter(
        REQUEST_ID,
        "header",
        {
            "required": False,
            "description": "可选：请求编号，用于排查。Optional: your id for this request (8-64 of "
            "A-Z a-z 0-9 . _ -), echoed in the response header and logged; other values are replaced "
            "by a new id (so any value is accepted).",
            "schema": {"type": "string", "example": EXAMPLE_REQUEST_ID},
        },
    )
    default = components.responses_lazy.get(api.DEFAULT_ERROR_RESPONSE_NAME)
    if default is not None:
        default["description"] = (
            "其他错误：见文档开头的错误码表。Any other failure (405, 413, 500, 503, ...), in the "
            "same envelope; the error-code table in the API description lists every code."
        )
        default["headers"] = {REQUEST_ID: {"$ref": f"#/components/headers/{REQUEST_ID}"}}
    table = error_table()
    api.spec.options.setdefault("info", {})["description"] = DESCRIPTION + markdown_table(table)
    api.spec.options["x-error-codes"] = table


def error_table() -> list[dict]:
    """Every error code: generated from the AppError classes (the kernel's HTTP ones among them)."""
    return [
        {
            "code": cls.code,
            "status": cls.status,
            "message": cls.message,
            "meaning": meaning(cls),
            "class": f"{cls.__module__}.{cls.__qualname__}",
        }
        for cls in error_classes()
    ]


def markdown_table(table: list[dict]) -> str:
    rows = ["| code | HTTP | message 提示 | meaning 含义 |", "|---|---|---|---|"]
    rows += [f"| `{e['code']}` | {e['status']} | {e['message']} | {e['meaning']} |" for e in table]
    return "\n".join(rows) + "\n"


DESCRIPTION = """宝鸡社区云平台小程序接口。The JSON API of the mini-program.

**登录 Auth**: `POST /api/v1/auth/login {"code"}` gives a bearer token (7 days); send
`Authorization: Bearer <token>`. 401 `TOKEN_MISSING` / `TOKEN_INVALID` means log in again.

**错误 Errors**: an HTTP status plus `{"error": {"code", "message", "details", "request_id"}}`. Switch on
`code` (a stable English constant, listed below and under each operation); show `message` (Chinese).
422 lists each bad field in `details.fields`.

**列表 Lists**: `{"items": [...], "next_cursor": "..."}`; pass `next_cursor` back as `cursor` for the next
page (an opaque string: never build one), `limit` 1-100 (default 20); `next_cursor` is null on the last page.

**时间 Times**: `..._at` fields are UTC (ISO 8601, `+00:00`); `..._local` fields are the same instants in
Beijing time (`+08:00`) for display; dates (`date`) are Beijing calendar days.

**重试 Retries**: POSTs that document the `Idempotency-Key` header are safe to retry with the same key.
Every response carries `X-Request-ID`.

## 错误码 Error codes

"""
