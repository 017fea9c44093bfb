"""Where uploaded files' bytes live: one interface, a local folder by default.

``STORAGE_URL`` picks the backend: empty (``instance/uploads``) or ``file:///srv/uploads`` for a local
folder. An S3-compatible backend plugs in as another class with the same three methods (``save``,
``open``, ``delete``) and a scheme in ``BACKENDS``; none ships yet, so ``s3://`` is refused at first
use rather than silently written to disk. Files are named by a random key, never by the user's name.
"""

import contextlib
import os
import re
import secrets
from typing import Protocol
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app

KEY = re.compile(r"^[A-Za-z0-9_-]{32}$")


class StorageError(RuntimeError):
    """The storage is misconfigured, or a key is not one it made."""


class Storage(Protocol):
    def save(self, data: bytes, content_type: str) -> str:
        """Keep the bytes under a new random key; return the key."""

    def open(self, key: str) -> bytes:
        """The bytes kept under the key (``FileNotFoundError`` when gone)."""

    def delete(self, key: str) -> None:
        """Forget the key's bytes; a key already gone is no error."""


def new_key() -> str:
    return secrets.token_urlsafe(24)  # 192 bits, 32 characters of [A-Za-z0-9_-]


class LocalStorage:
    """A folder on this machine: ``<root>/<first two characters>/<key>``."""

    def __init__(self, root: str):
        self.root = root

    def path(self, key: str) -> str:
        if not KEY.match(key):
            raise StorageError("not a storage key")
        return os.path.join(self.root, key[:2], key)

    def save(self, data: bytes, content_type: str) -> str:
        key = new_key()
        path = self.path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "xb") as file:  # never overwrite
            file.write(data)
        return key

    def open(self, key: str) -> bytes:
        with open(self.path(key), "rb") as file:
            return file.read()

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.path(key))


def local_backend(url: str, app: Flask) -> Storage:
    parts = urlsplit(url)
    return LocalStorage(parts.path if url else os.path.join(app.instance_path, "uploads"))


BACKENDS = {"": local_backend, "file": local_backend}  # scheme -> factory(url, app); s3 plugs in here


def make_storage(url: str, app: Flask) -> Storage:
    scheme = urlsplit(url).scheme if url else ""
    factory = BACKENDS.get(scheme)
    if factory is None:
        raise StorageError(f"STORAGE_URL: no storage backend for {scheme}:// is installed")
    return factory(url, app)


def get_storage() -> Storage:
    """The app's storage, made from ``STORAGE_URL`` on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    storage = app.extensions.get("storage")
    if storage is None:
        storage = app.extensions["storage"] = make_storage(app.config["STORAGE_URL"] or "", app)
    return storage


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one as RFC 5987 ``filename*``."""
    fallback = re.sub(r"[^A-Za-z0-9.-]+", "_", filename).strip("_")
    if not fallback or fallback.startswith("."):
        fallback = "download" + fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_response(data: bytes, filename: str, content_type: str) -> Response:
    """A file to save, never to render: attachment, nosniff, a sandboxing CSP, not cached by others."""
    mimetype = "text/plain; charset=utf-8" if content_type == "text/plain" else content_type
    response = Response(data, content_type=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
