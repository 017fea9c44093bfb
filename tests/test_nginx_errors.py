"""Answers nginx gives before the app reads a request (an address or a header over 8 KB, a request line it
cannot parse) carry the API's error envelope with the codes and messages of their error classes; the
app's own answers pass through nginx as they are."""

import shutil
import socket
import ssl
import subprocess
import time

import pytest
import requests
import urllib3

from cloudplatform.errors import AppError, HeadersTooLarge, UriTooLong
from tests.helpers import free_ports
from tests.rung import ROOT, load_nginx_render

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


@pytest.fixture
def site(tmp_path):
    """The site rendered for this machine, nginx running it; gunicorn is not needed (nothing is proxied)."""
    assert NGINX, "nginx is needed to check the site (scripts/test installs it as root)"
    render = load_nginx_render()
    certificate, key = render.self_signed_certificate(str(tmp_path))
    http_port, https_port, web_port = free_ports(3)
    conf = render.write_config(
        str(tmp_path),
        http_port=http_port,
        https_port=https_port,
        upstream=f"127.0.0.1:{web_port}",
        certificate=certificate,
        certificate_key=key,
        static_root=str(ROOT / "admin" / "static"),
    )
    nginx = subprocess.Popen([NGINX, "-c", str(conf)], stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield https_port
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def get(port: int, path: str, **headers) -> requests.Response:
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    return requests.get(f"https://127.0.0.1:{port}{path}", headers=headers, verify=False, timeout=10)  # noqa: S501


def assert_envelope(response, cls: type[AppError]) -> None:
    assert response.status_code == cls.status
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert (error["code"], error["message"], error["details"]) == (cls.code, cls.message, {})
    assert len(error["request_id"]) == 32


def test_an_address_or_a_header_over_8_kb_answers_the_envelope(site):
    assert_envelope(get(site, "/api/v1/communities?q=" + "a" * 9000), UriTooLong)
    assert_envelope(get(site, "/api/v1/me", **{"X-Padding": "a" * 9000}), HeadersTooLarge)


def test_a_request_line_nginx_cannot_parse_answers_the_envelope(site):
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", site), timeout=10)
    with context.wrap_socket(raw) as tls:
        tls.sendall(b"GARBAGE\r\n\r\n")
        answer = b""
        while chunk := tls.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b'"code":"BAD_REQUEST"' in body and AppError.message.encode() in body
    assert b"application/json" in head


def test_the_apps_own_answers_pass_through(site):
    assert get(site, "/api/v1/me").status_code == 502  # no gunicorn here: nginx's upstream error
