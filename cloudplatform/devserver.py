"""``flask serve``: the embedded default's server, with the scheduler and the WeChat stand-in in-process."""

import re
from urllib.parse import urlsplit

import click
from flask import Flask
from werkzeug.serving import WSGIRequestHandler

from cloudplatform.config import STANDIN_HOSTS
from cloudplatform.logs import redact_path

NON_ASCII = re.compile(rb"[\x80-\xff]")


def percent_encode_raw(request_line: bytes) -> bytes:
    """Percent-encode the raw non-ASCII bytes of a request line, as a client should have."""
    return NON_ASCII.sub(lambda byte: b"%%%02X" % byte[0][0], request_line)


class RawUtf8RequestHandler(WSGIRequestHandler):
    """werkzeug's request handler, reading a raw UTF-8 request target as the client meant it.

    ``http.server`` decodes the request line as latin-1 (and splits it on Unicode whitespace, which
    takes the byte 0x85 of 具 for one) and werkzeug then encodes that string as UTF-8 once more, so a
    query typed raw (``?q=老年证``) reached the app as mojibake full of C1 control characters (422).
    Clients percent-encode (``wx.request`` does, and gunicorn answers raw bytes with 400 before the
    app); the development server does it for them. Production never runs this.
    """

    raw_requestline: bytes

    def parse_request(self) -> bool:
        self.raw_requestline = percent_encode_raw(self.raw_requestline)
        return super().parse_request()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The access log line without the secrets a path may carry (``logs.redact_path``)."""
        self.requestline = redact_path(self.requestline)
        if not hasattr(self, "path"):  # a bad request line: werkzeug logs the line itself
            super().log_request(code, size)
            return
        path, self.path = self.path, redact_path(self.path)
        try:
            super().log_request(code, size)
        finally:
            self.path = path


def start_standin(app: Flask):
    """Serve the local WeChat stand-in where WECHAT_API_BASE points on this machine (development),
    knowing the app's templates and pages so that it refuses what WeChat would."""
    from cloudplatform.notify.templates import standin_declarations
    from cloudplatform.wechat.standin import create_standin_app, serve_standin

    base = urlsplit(app.config["WECHAT_API_BASE"])
    if base.hostname not in STANDIN_HOSTS:
        return None
    standin = create_standin_app(
        app.config["WECHAT_APPID"],
        app.config["WECHAT_SECRET"],
        **standin_declarations(app.config["WECHAT_TEMPLATES"]),
    )
    try:
        server, url = serve_standin(standin, host=base.hostname, port=base.port or 80)
    except OSError:
        click.echo("WeChat stand-in port busy: using the stand-in already running there")
        return None
    click.echo(f"WeChat stand-in: {url}_standin/messages")
    return server


def register_cli(app: Flask) -> None:
    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    def serve(host, port):
        """Development only: serve the API and the console with werkzeug's server, run the scheduler
        and the WeChat stand-in. Production runs gunicorn (deploy/README.md)."""
        from werkzeug.serving import run_simple

        from cloudplatform.jobs import build_scheduler
        from cloudplatform.jobs.leader import leader_lock
        from cloudplatform.wechat.standin import stop_standin

        standin = start_standin(app)
        lock = leader_lock(app)
        scheduler = build_scheduler(app) if lock.try_acquire() else None
        if scheduler is None:
            click.echo("another scheduler is running; serving without one")
        else:
            scheduler.start()
        click.echo(f"API: http://{host}:{port}/api/v1/docs   console: http://{host}:{port}/admin/")
        try:
            run_simple(host, port, app, threaded=True, request_handler=RawUtf8RequestHandler)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            lock.release()
            if standin is not None:
                stop_standin(standin)
