"""The one error hierarchy and the one JSON error envelope of the API.

Every failure under /api/ and /device/ answers
``{"error": {"code": "SLOT_FULL", "message": "该时段已约满", "details": {...}, "request_id": "..."}}``.

Each code the API can return is one ``AppError`` subclass with its status, code and Chinese message,
defined beside the domain that raises it (``cloudplatform/<domain>/errors.py``); the generic ones and
those of Flask, werkzeug and webargs live here. The OpenAPI document's error-code table is generated
from these classes (``error_classes``), never kept by hand.
"""

import json
import logging
import threading

import marshmallow as ma
from flask import Response, current_app, g, jsonify, render_template, request
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/device/")
# Only classes of these packages are the API's error codes (tests define their own for test endpoints).
PROJECT_PACKAGES = ("cloudplatform", "miniprogram_api")


class AppError(Exception):
    """The request is malformed; the base of every failure the client can act on.

    A subclass fixes the status, the stable ``code`` and the Chinese ``message``; its docstring's first
    line says what it means. An instance may carry a more precise message and ``details``.
    """

    status = 400
    code = "BAD_REQUEST"
    message = "请求格式有误"
    headers: dict[str, str] = {}

    def __init__(self, message: str | None = None, *, details: dict | None = None):
        super().__init__(message or self.message)
        self.message = message or type(self).message
        self.details = details or {}

    @classmethod
    def for_field(cls, field: str, message: str | None = None) -> "AppError":
        """The error about one request field, listed as 422s list them: ``details.fields.<field>``."""
        message = message or cls.message
        return cls(message, details={"fields": {field: [message]}})


class Unauthorized(AppError):
    """Not logged in."""

    status, code, message = 401, "UNAUTHORIZED", "请先登录"


class Forbidden(AppError):
    """The caller may not do this (a staff role without the right, for instance)."""

    status, code, message = 403, "FORBIDDEN", "没有权限执行此操作"


class NotFound(AppError):
    """No such URL, or a record that does not exist or is not the caller's to see."""

    status, code, message = 404, "NOT_FOUND", "请求的资源不存在"


class MethodNotAllowed(AppError):
    """The URL exists but not with this method; the ``Allow`` header lists the methods it takes."""

    status, code, message = 405, "METHOD_NOT_ALLOWED", "不支持该请求方法"


class Conflict(AppError):
    """The request conflicts with the record's current state."""

    status, code, message = 409, "CONFLICT", "操作与当前状态冲突"


class PayloadTooLarge(AppError):
    """The body is larger than the server accepts (``MAX_CONTENT_LENGTH``, 1 MiB by default)."""

    status, code, message = 413, "PAYLOAD_TOO_LARGE", "请求内容过大"


class UriTooLong(AppError):
    """The request's address is longer than the server reads (8 KB; nginx answers before the app)."""

    status, code, message = 414, "URI_TOO_LONG", "请求地址过长"


class HeadersTooLarge(AppError):
    """A request header, or all of them, is larger than the server reads (8 KB; nginx answers first)."""

    status, code, message = 431, "HEADERS_TOO_LARGE", "请求头过大"


class UnsupportedMediaType(AppError):
    """A body that is not ``application/json``."""

    status, code, message = 415, "UNSUPPORTED_MEDIA_TYPE", "请求内容类型应为 application/json"


class MalformedJson(AppError):
    """The body is not valid JSON."""

    status, code, message = 400, "MALFORMED_JSON", "请求体不是有效的 JSON"


class Unprocessable(AppError):
    """A parameter or body field is missing or invalid; ``details.fields`` lists each bad field."""

    status, code, message = 422, "VALIDATION_ERROR", "请求参数有误"


class RateLimited(AppError):
    """Too many requests; wait the ``Retry-After`` seconds before trying again."""

    status, code, message = 429, "RATE_LIMITED", "操作过于频繁，请稍后再试"
    headers = {"Retry-After": "60"}


class InternalError(AppError):
    """A fault of the server; nothing was changed. Retrying later may succeed."""

    status, code, message = 500, "INTERNAL_ERROR", "服务器内部错误，请稍后再试"


class ServiceUnavailable(AppError):
    """The server or a service it depends on is unavailable for a moment; retry later."""

    status, code, message = 503, "SERVICE_UNAVAILABLE", "服务暂时不可用，请稍后再试"


class HttpError(AppError):
    """Any other HTTP error, answered with its own status (not expected from the API's operations)."""

    code, message = "HTTP_ERROR", "请求失败"


# The classes whose code and message answer errors raised by Flask, werkzeug and webargs, by status.
HTTP_ERRORS: dict[int, type[AppError]] = {
    cls.status: cls
    for cls in (
        AppError,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PayloadTooLarge,
        UriTooLong,
        UnsupportedMediaType,
        HeadersTooLarge,
        Unprocessable,
        RateLimited,
        InternalError,
        ServiceUnavailable,
    )
}


def error_classes() -> list[type[AppError]]:
    """Every error class of the project that declares its own code, by status and code.

    :raises TypeError: two classes declare the same code (a code names exactly one class).
    """
    found, pending = {}, [AppError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if "code" not in vars(cls) or not cls.__module__.startswith(PROJECT_PACKAGES):
            continue
        other = found.setdefault(cls.code, cls)
        if other is not cls:
            raise TypeError(f"{cls.code} is the code of both {other.__qualname__} and {cls.__qualname__}")
    return sorted(found.values(), key=lambda c: (c.status, c.code))


def meaning(cls: type[AppError]) -> str:
    """The first paragraph of the class's docstring, on one line: what the error means for the client."""
    first = (cls.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(first.split())


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def error_response(status: int, code: str, message: str, details: dict | None = None) -> Response:
    body = {"code": code, "message": message, "details": details or {}, "request_id": g.get("request_id")}
    response = jsonify(error=body)
    response.status_code = status
    return response


def http_error_class(status: int | None) -> type[AppError]:
    return HTTP_ERRORS.get(status or 500, HttpError)


def http_error_details(error: HTTPException) -> tuple[type[AppError], dict]:
    """Turn webargs' messages into the envelope's details; malformed JSON gets its own code."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not messages:
        return http_error_class(error.code), {}
    if error.code == 400 and "json" in messages:
        return MalformedJson, {}
    fields = {}
    for location_errors in messages.values():
        fields.update(location_errors if isinstance(location_errors, dict) else {"_schema": location_errors})
    return Unprocessable, {"fields": fields}


class Api(SmorestApi):
    """flask-smorest's Api with the project's error envelope for every HTTP error, serving the OpenAPI
    document built once per app (it does not change after start-up).

    A blueprint's routes are registered at once; its operations are written into the document when
    the document is first read, which keeps an app's start-up (a worker's, a test's) quick.
    """

    def __init__(self, *args, **kwargs):
        self._undocumented: list = []
        self._documenting = threading.RLock()
        super().__init__(*args, **kwargs)

    def init_app(self, app, *, spec_kwargs=None):
        self._undocumented = []
        super().init_app(app, spec_kwargs=spec_kwargs)

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    @property
    def spec(self):
        with self._documenting:
            pending, self._undocumented = self._undocumented, []
            for blp, name, parameters in pending:
                blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                self._spec.tag({"name": name, "description": blp.description})
        return self._spec

    @spec.setter
    def spec(self, value):
        self._spec = value

    def _openapi_json(self):
        cached = current_app.extensions.get("openapi_json")
        if cached is None:
            cached = current_app.extensions["openapi_json"] = json.dumps(
                self.spec.to_dict(), ensure_ascii=False
            )
        return current_app.response_class(cached, mimetype="application/json")

    def handle_http_exception(self, error: HTTPException):
        if not wants_json():
            message = http_error_class(error.code).message
            headers = {"Allow": error.get_response().headers["Allow"]} if error.code == 405 else {}
            return render_template("error.html", status=error.code, message=message), error.code, headers
        if isinstance(error, InternalServerError):
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.error("unhandled error", exc_info=original)
        cls, details = http_error_details(error)
        response = error_response(error.code or 500, cls.code, cls.message, details)
        if error.code == 405:
            response.headers["Allow"] = error.get_response().headers.get("Allow", "")
        for key, value in ((getattr(error, "data", None) or {}).get("headers") or {}).items():
            response.headers[key] = value
        return response


def handle_app_error(error: AppError):
    if not wants_json():
        return render_template("error.html", status=error.status, message=error.message), error.status
    response = error_response(error.status, error.code, error.message, error.details)
    response.headers.update(error.headers)
    return response


def register_error_handlers(app) -> None:
    app.register_error_handler(AppError, handle_app_error)


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(
        required=True,
        metadata={
            "description": "错误码：稳定的英文常量，按它判断。A stable English constant to switch on (the "
            "error-code table lists them all; each operation lists its own)",
            "example": "SLOT_FULL",
        },
    )
    message = ma.fields.String(
        required=True,
        metadata={
            "description": "提示：可直接展示的中文 Chinese text for display",
            "example": "该时段已约满",
        },
    )
    details = ma.fields.Dict(
        required=True,
        metadata={"description": "more about it; 422: {fields: {name: [messages]}}", "example": {}},
    )
    request_id = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "the request's X-Request-ID, for support",
            "example": "9f1c2d3e4b5a69788796a5b4c3d2e1f0",
        },
    )


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


Api.ERROR_SCHEMA = ErrorSchema
