"""Security headers on every answer: what a browser may run, frame, sniff, refer and keep.

- ``Content-Security-Policy``: scripts only from our own files (no inline script, no ``eval``), never
  framed, no plugins, forms post only to us. Inline styles stay allowed (the console's ``<style>`` blocks
  and ``style=`` attributes, Swagger UI's injected styles): a style cannot run code. An answer that sets
  its own, stricter policy (an uploaded file, the certificate verification page) keeps it.
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``: a file is only what its type
  says, and no address (with its ids or tokens) leaves for another site.
- ``Cache-Control: no-store`` on every answer that does not choose its own caching: tokens, ``/me``,
  personal data, console pages and error answers are never kept by a browser or a proxy. Files (static
  assets, the docs' assets, the H5 client) keep the revalidating caching ``send_file`` gives them.
- ``Strict-Transport-Security`` in production only (development is plain HTTP on loopback).
"""

from flask import Flask, Response, current_app

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def register(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cache-Control", "no-store")
    if current_app.config["CLOUDPLATFORM_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response
