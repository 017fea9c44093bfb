import io
import logging

from cloudplatform.logs import LOG_FORMAT, RequestIdFilter
from tests.echo import register_echo


def test_log_lines_carry_the_request_id(app, client):
    register_echo(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
    try:
        response = client.post("/api/v1/test/echo", json={"name": "x", "fail": "crash"})
    finally:
        logging.getLogger().removeHandler(handler)
    line = next(line for line in stream.getvalue().splitlines() if "unhandled error" in line)
    assert f"[{response.headers['X-Request-ID']}]" in line
