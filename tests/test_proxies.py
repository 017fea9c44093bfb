"""Which address the rate limits count: the socket's peer unless the deployment declares the proxies
in front (TRUSTED_PROXIES), then the address the last of them appended to X-Forwarded-For."""

import pytest

from cloudplatform import create_app
from cloudplatform.extensions import db as _db
from tests.helpers import app_settings

GUIDES = "/api/v1/services/guides?q=%E8%AF%81%E6%98%8E"  # 证明: what a stranger may search, limited


@pytest.fixture
def make_client(database_url, redis_url, standin):
    apps = []

    def make(**config):
        settings = app_settings(database_url, redis_url, standin)
        app = create_app({**settings, "PUBLIC_RATE_LIMIT": "3 per minute", **config})
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        with app.app_context():
            _db.engine.dispose()


def allowed(client, peer: str, forwarded: str | None = None) -> bool:
    """Whether the caller's allowance let this request through (False: 429)."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = client.get(GUIDES, headers=headers, environ_base={"REMOTE_ADDR": peer})
    assert response.status_code in (200, 429), response.json
    return response.status_code == 200


def test_without_trusted_proxies_forwarded_addresses_are_not_believed(make_client):
    """A caller naming a new address in X-Forwarded-For each time still spends its own allowance."""
    client = make_client()  # TRUSTED_PROXIES defaults to 0
    claims = [f"203.0.113.{i}" for i in range(4)]
    assert [allowed(client, "192.0.2.10", claim) for claim in claims] == [True, True, True, False]
    assert allowed(client, "192.0.2.11", claims[0])  # another peer: its own allowance


def test_behind_one_proxy_limits_count_the_client_it_appended(make_client):
    """Every request comes from the proxy; the client is the last X-Forwarded-For entry (the one the
    proxy appended), never an earlier one the client wrote itself."""
    client = make_client(TRUSTED_PROXIES=1)
    proxy = "127.0.0.1"
    first = [allowed(client, proxy, f"198.51.100.{i}, 203.0.113.1") for i in range(4)]
    assert first == [True, True, True, False]
    assert allowed(client, proxy, "198.51.100.0, 203.0.113.2")  # another client, its own allowance
    assert not allowed(client, proxy, "203.0.113.1")  # the first, without a made-up entry


def test_behind_two_proxies_the_client_is_two_from_the_end(make_client):
    client = make_client(TRUSTED_PROXIES=2)
    balancer = "10.0.0.5"  # what nginx appended: the load balancer in front of it
    assert [allowed(client, "127.0.0.1", f"203.0.113.1, {balancer}") for _ in range(4)] == [True] * 3 + [
        False
    ]
    assert allowed(client, "127.0.0.1", f"203.0.113.2, {balancer}")
