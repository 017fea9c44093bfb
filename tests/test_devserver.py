"""``flask serve``'s request handler: raw UTF-8 in a request target reads as the client meant it."""

import threading
from urllib.parse import quote

import pytest
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from cloudplatform.devserver import RawUtf8RequestHandler, percent_encode_raw
from tests.helpers import raw_get


@pytest.fixture
def echo_server():
    app = Flask("echo")

    @app.get("/<path:rest>")
    def echo(rest):
        return jsonify(path=request.path, q=request.args.get("q"), query=request.query_string.decode())

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RawUtf8RequestHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.port
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def get(port: int, target: bytes) -> dict:
    status, answer = raw_get(port, target)
    assert status == 200, answer
    return answer


def test_raw_utf8_query_is_read_as_utf8(echo_server):
    answer = get(echo_server, "/api/guides?q=老年证".encode())
    assert answer["q"] == "老年证"
    assert answer["query"] == "q=%E8%80%81%E5%B9%B4%E8%AF%81"


def test_raw_utf8_path_and_percent_encoded_query_are_read_alike(echo_server):
    raw = get(echo_server, "/指南/老年证?q=证明%20开具".encode())  # 具 is E5 85 B7: 0x85 is NEL
    encoded = get(echo_server, quote("/指南/老年证").encode() + b"?q=" + quote("证明 开具").encode())
    assert raw == encoded
    assert raw["path"] == "/指南/老年证" and raw["q"] == "证明 开具"


def test_invalid_utf8_reads_as_if_percent_encoded(echo_server):
    assert get(echo_server, b"/x?q=\xe8\x80") == get(echo_server, b"/x?q=%E8%80")


def test_percent_encode_raw_leaves_ascii_alone():
    line = b"GET /a?b=%E8&c=d HTTP/1.1\r\n"
    assert percent_encode_raw(line) == line
    assert percent_encode_raw("GET /?q=老 HTTP/1.1".encode()) == b"GET /?q=%E8%80%81 HTTP/1.1"
