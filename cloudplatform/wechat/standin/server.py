"""Serving the stand-in: from a thread (tests, ``flask serve``) or alone (``python -m``)."""

import argparse
import logging
import os
import threading
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from cloudplatform.config import SETTINGS
from cloudplatform.wechat.standin.app import create_standin_app
from cloudplatform.wechat.standin.wx import EXTENSION_KEY

log = logging.getLogger(__name__)


class QuietRequestHandler(WSGIRequestHandler):
    """Logs requests without their query strings, which carry the secret, codes and access tokens."""

    def log_request(self, code="-", size="-"):
        log.debug("stand-in %s %s -> %s", self.command, urlsplit(self.path).path, code)


def serve_standin(app: Flask, host: str = "127.0.0.1", port: int = 0):
    """Serve the stand-in from a daemon thread; returns ``(server, base_url)`` (base_url ends in "/").
    Stop it with :func:`stop_standin`."""
    server = make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="wechat-standin", daemon=True
    )
    thread.start()
    server.standin_thread = thread
    netloc = f"[{host}]" if ":" in host else host
    return server, f"http://{netloc}:{server.port}/"


def stop_standin(server) -> None:
    """Wake stalled answers, stop serving and close the listening socket."""
    state = server.app.extensions.get(EXTENSION_KEY)
    if state is not None:
        state.wake_all()
    server.shutdown()
    server.server_close()
    thread = getattr(server, "standin_thread", None)
    if thread is not None:
        thread.join(timeout=5)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="The local stand-in for WeChat's server API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5002)
    args = parser.parse_args(argv)
    appid = os.environ.get("WECHAT_APPID") or SETTINGS["WECHAT_APPID"][0]
    secret = os.environ.get("WECHAT_SECRET") or SETTINGS["WECHAT_SECRET"][0]
    server = make_server(
        args.host,
        args.port,
        create_standin_app(appid, secret),
        threaded=True,
        request_handler=QuietRequestHandler,
    )
    print(f"WeChat stand-in for {appid} on http://{args.host}:{server.port}/ (see /_standin/)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
