"""WeChat fixtures (a pytest plugin): the stand-in over loopback HTTP, gateways pointed at it (no mocks)."""

import pytest

from cloudplatform.wechat import Gateway, close_gateway, get_gateway
from cloudplatform.wechat.standin import create_standin_app, serve_standin, state_of, stop_standin

APPID = "wx-gateway-test"
SECRET = "test-secret-7f3a9c1e5b"
RISKY_WORDS = ("赌博",)
REVIEW_WORDS = ("加微信",)
# what an app declared to this stand-in: template id -> keyword -> type, and its released pages
TEMPLATES = {
    "tmpl-booking": {"thing1": "thing", "time2": "time"},
    "tmpl-result": {
        "thing1": "thing",
        "phrase2": "phrase",
        "date3": "date",
        "character_string4": "character_string",
    },
}
PAGES = ("pages/index/index", "pages/booking/detail", "pages/locker/pickup")


class Standin:
    """Scripting for the stand-in: its control endpoints, called in-process (same state as served)."""

    def __init__(self, app, base_url):
        self.app, self.base_url = app, base_url
        self.client = app.test_client()
        self.state = state_of(app)

    def _post(self, path, json=None):
        response = self.client.post(path, json=json or {})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def fail(self, path, errcode, times=1, **extra):
        return self._post("/_standin/failures", {"path": path, "errcode": errcode, "times": times, **extra})

    def wxacode_format(self, image_format):
        return self._post("/_standin/wxacode", {"format": image_format})

    def expire_tokens(self):
        return self._post("/_standin/expire-tokens")

    def reset(self):
        return self._post("/_standin/reset")

    def messages(self, **params):
        return self.client.get("/_standin/messages", query_string=params).get_json()["items"]

    def stats(self):
        return self.client.get("/_standin/stats").get_json()

    def calls(self, path):
        return self.stats()["calls"].get(path, 0)


@pytest.fixture(scope="session")
def wechat_standin_server():
    app = create_standin_app(
        APPID, SECRET, risky_words=RISKY_WORDS, review_words=REVIEW_WORDS, templates=TEMPLATES, pages=PAGES
    )
    server, base_url = serve_standin(app)
    yield app, base_url
    stop_standin(server)


@pytest.fixture
def wechat_standin(wechat_standin_server):
    app, base_url = wechat_standin_server
    helper = Standin(app, base_url)
    helper.reset()
    yield helper
    helper.reset()  # also wakes any answer still stalled by a "timeout" failure


@pytest.fixture
def make_gateway(wechat_standin):
    """Build Gateways against the stand-in (override any argument); all closed after the test."""
    made = []

    def make(appid=APPID, secret=SECRET, api_base=None, **kwargs):
        kwargs.setdefault("timeout", 2.0)
        gateway = Gateway(appid, secret, api_base or wechat_standin.base_url, **kwargs)
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        gateway.close()


@pytest.fixture
def gateway(make_gateway):
    return make_gateway()


@pytest.fixture
def app_gateway(app, wechat_standin):
    """The app's own Gateway (get_gateway), configured for the stand-in."""
    app.config.update(WECHAT_APPID=APPID, WECHAT_SECRET=SECRET, WECHAT_API_BASE=wechat_standin.base_url)
    yield get_gateway()
    close_gateway(app)
