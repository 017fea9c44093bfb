"""A service certificate's verification token travels in its path (its QR code links there): the access
logs show it as [redacted] — the development server's, gunicorn's and nginx's."""

import importlib.util
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from cloudplatform.logs import redact_path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "q2Vd0s1mN7bX4kP9rT6yW3zA8cE5fH2j"


def test_a_certificate_token_is_redacted_and_other_paths_are_not():
    assert redact_path(f"GET /api/v1/volunteer/certificates/{TOKEN} HTTP/1.1") == (
        "GET /api/v1/volunteer/certificates/[redacted] HTTP/1.1"
    )
    assert redact_path(f"/api/v1/volunteer/certificates/{TOKEN}?x=1") == (
        "/api/v1/volunteer/certificates/[redacted]?x=1"
    )
    for kept in ("GET /api/v1/volunteer/me/certificates HTTP/1.1", "/api/v1/volunteer/certificates/short"):
        assert redact_path(kept) == kept


def test_gunicorns_access_line_is_redacted():
    from gunicorn.config import Config

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "deploy" / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    logger = conf.RedactingLogger(Config())
    path = f"/api/v1/volunteer/certificates/{TOKEN}"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=2, headers=[], response_length=2)
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    assert atoms["r"] == "GET /api/v1/volunteer/certificates/[redacted] HTTP/1.1"
    assert atoms["U"] == "/api/v1/volunteer/certificates/[redacted]"


def test_the_development_servers_access_line_is_redacted(caplog):
    from cloudplatform.devserver import RawUtf8RequestHandler

    handler = RawUtf8RequestHandler.__new__(RawUtf8RequestHandler)  # no socket: only its logging
    path = f"/api/v1/volunteer/certificates/{TOKEN}"
    handler.command, handler.path, handler.request_version = "GET", path, "HTTP/1.1"
    handler.requestline = f"GET {path} HTTP/1.1"
    handler.client_address = ("127.0.0.1", 50000)
    with caplog.at_level("INFO", logger="werkzeug"):
        handler.log_request(200, "-")
    assert "/api/v1/volunteer/certificates/[redacted]" in caplog.text
    assert TOKEN not in caplog.text
    assert handler.path == path  # the request itself keeps its path


def test_nginx_logs_the_redacted_request_line():
    site = (ROOT / "deploy" / "nginx" / "baoji.conf").read_text()
    assert '"$baoji_logged_request"' in site and '"$request"' not in site
