"""Helpers for tests."""

import contextvars
import json
import socket
from contextlib import contextmanager

import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from cloudplatform.extensions import db as _db
from tests.standin import STANDIN_APPID, STANDIN_SECRET


def app_settings(database_url: str, redis_url: str | None, standin: str) -> dict:
    """The settings of a test's app: its database and Redis, the WeChat stand-in in place of WeChat."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TESTING": True,
        "WECHAT_API_BASE": standin,
        "WECHAT_APPID": STANDIN_APPID,
        "WECHAT_SECRET": STANDIN_SECRET,
    }


@contextmanager
def count_queries(app):
    """Count the SQL statements the app's engine executes inside the block."""
    statements = []

    def before_cursor_execute(conn, cursor, statement, *args):
        statements.append(statement)

    engine = _db.engines[None]
    sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)


def raw_get(port: int, target: bytes) -> tuple[int, dict]:
    """GET a request target byte for byte, as curl sends a URL typed raw into a shell: (status, JSON)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body)


def free_ports(count: int) -> list[int]:
    """``count`` TCP ports free on loopback now (for servers a test starts)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context and database session, as in production.

    The test's own session is committed before and after, so the test sees what requests wrote.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a client used from another thread
            return super().open(*args, **kwargs)
        _db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _db.session.commit()
        return response
