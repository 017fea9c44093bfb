"""Logging with the request id in every line; noisy HTTP client loggers kept above DEBUG."""

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request

LOG_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Bearer secrets that travel in a path (a service certificate's verification token, which its QR code
# links to): access logs (the development server's, gunicorn's, nginx's map) show them as [redacted].
SECRET_IN_PATH = re.compile(r"(/api/v1/volunteer/certificates/)[A-Za-z0-9_-]{32}(?=[/?#\s]|$)")


def redact_path(text: str) -> str:
    """A request line or path with the secrets it carries replaced by ``[redacted]``."""
    return SECRET_IN_PATH.sub(r"\1[redacted]", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(app: Flask) -> None:
    root = logging.getLogger()
    if not any(isinstance(f, RequestIdFilter) for h in root.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    # At DEBUG urllib3 logs full URLs, which carry the WeChat app secret and access token.
    logging.getLogger("urllib3").setLevel(max(logging.INFO, root.level))

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def expose_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
