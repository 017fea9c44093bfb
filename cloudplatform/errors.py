"""The one error hierarchy and the one JSON error envelope of the API.

Every failure under /api/ and /device/ answers
``{"error": {"code": "SLOT_FULL", "message": "该时段已约满", "details": {...}, "request_id": "..."}}``.
"""

import json
import logging

import marshmallow as ma
from flask import Response, current_app, g, jsonify, render_template, request
from flask_smorest import Api as SmorestApi
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/device/")


class AppError(Exception):
    """A failure the client can act on; subclasses fix the status, code and Chinese message."""

    status = 400
    code = "BAD_REQUEST"
    message = "请求有误"
    headers: dict[str, str] = {}

    def __init__(self, message: str | None = None, *, code: str | None = None, details: dict | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.details = details or {}


class Unauthorized(AppError):
    status, code, message = 401, "UNAUTHORIZED", "请先登录"


class Forbidden(AppError):
    status, code, message = 403, "FORBIDDEN", "没有权限执行此操作"


class NotFound(AppError):
    status, code, message = 404, "NOT_FOUND", "记录不存在"


class Conflict(AppError):
    status, code, message = 409, "CONFLICT", "操作与当前状态冲突"


class Unprocessable(AppError):
    status, code, message = 422, "VALIDATION_ERROR", "请求参数有误"


class RateLimited(AppError):
    status, code, message = 429, "RATE_LIMITED", "操作过于频繁，请稍后再试"
    headers = {"Retry-After": "60"}


class ServiceUnavailable(AppError):
    status, code, message = 503, "SERVICE_UNAVAILABLE", "服务暂时不可用，请稍后再试"


# Codes and Chinese messages for errors raised by Flask, werkzeug and webargs.
HTTP_ERRORS = {
    400: ("BAD_REQUEST", "请求格式有误"),
    401: ("UNAUTHORIZED", "请先登录"),
    403: ("FORBIDDEN", "没有权限执行此操作"),
    404: ("NOT_FOUND", "请求的资源不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    409: ("CONFLICT", "操作与当前状态冲突"),
    413: ("PAYLOAD_TOO_LARGE", "请求内容过大"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "请求内容类型应为 application/json"),
    422: ("VALIDATION_ERROR", "请求参数有误"),
    429: ("RATE_LIMITED", "操作过于频繁，请稍后再试"),
    500: ("INTERNAL_ERROR", "服务器内部错误，请稍后再试"),
    503: ("SERVICE_UNAVAILABLE", "服务暂时不可用，请稍后再试"),
}


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def error_response(status: int, code: str, message: str, details: dict | None = None) -> Response:
    body = {"code": code, "message": message, "details": details or {}, "request_id": g.get("request_id")}
    response = jsonify(error=body)
    response.status_code = status
    return response


def http_error_details(error: HTTPException) -> tuple[str, dict]:
    """Turn webargs' messages into the envelope's details; malformed JSON gets its own code."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not messages:
        return HTTP_ERRORS.get(error.code, ("HTTP_ERROR", ""))[0], {}
    if error.code == 400 and "json" in messages:
        return "MALFORMED_JSON", {}
    fields = {}
    for location_errors in messages.values():
        fields.update(location_errors if isinstance(location_errors, dict) else {"_schema": location_errors})
    return "VALIDATION_ERROR", {"fields": fields}


class Api(SmorestApi):
    """flask-smorest's Api with the project's error envelope for every HTTP error, serving the OpenAPI
    document built once per app (it does not change after start-up)."""

    def _openapi_json(self):
        cached = current_app.extensions.get("openapi_json")
        if cached is None:
            cached = current_app.extensions["openapi_json"] = json.dumps(
                self.spec.to_dict(), ensure_ascii=False
            )
        return current_app.response_class(cached, mimetype="application/json")

    def handle_http_exception(self, error: HTTPException):
        if not wants_json():
            message = HTTP_ERRORS.get(error.code or 500, ("", "请求失败"))[1]
            headers = {"Allow": error.get_response().headers["Allow"]} if error.code == 405 else {}
            return render_template("error.html", status=error.code, message=message), error.code, headers
        if isinstance(error, InternalServerError):
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.error("unhandled error", exc_info=original)
        code, details = http_error_details(error)
        fallback_code, message = HTTP_ERRORS.get(error.code or 500, ("HTTP_ERROR", "请求失败"))
        if error.code == 400 and code == "MALFORMED_JSON":
            message = "请求体不是有效的 JSON"
        response = error_response(error.code or 500, code or fallback_code, message, details)
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
        required=True, metadata={"description": "stable English constant, e.g. SLOT_FULL"}
    )
    message = ma.fields.String(required=True, metadata={"description": "Chinese text for display"})
    details = ma.fields.Dict(metadata={"description": "e.g. {fields: {name: [messages]}} for 422"})
    request_id = ma.fields.String(allow_none=True)


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


Api.ERROR_SCHEMA = ErrorSchema
