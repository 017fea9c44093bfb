"""The client's address and scheme behind the proxies the deployment declares (``TRUSTED_PROXIES``)."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask) -> None:
    """With TRUSTED_PROXIES = N > 0, the client is the Nth address from the end of X-Forwarded-For
    (each proxy appends the peer it saw) and the scheme comes from X-Forwarded-Proto: rate limits,
    the idempotency keys of signed-out callers and the audit log's ip see the client, not the proxy.
    With 0 (the default) no forwarded header is believed: a caller cannot claim another address."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
