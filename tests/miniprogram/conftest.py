"""The mini-program client's H5 build (``miniprogram/dist/build/h5``, made by ``scripts/test`` and
``scripts/run``) served by the test's app at /m/ on a loopback port, driven by Debian's Chromium at a
phone's size. Logins go through the WeChat stand-in with ``dev:<name>`` codes, as a person would type them."""

import pytest

from miniprogram_api.site import BUILD_DIR
from tests.browser.fixtures import csp_refusals
from tests.miniprogram.helpers import PHONE


@pytest.fixture
def h5_build():
    if not (BUILD_DIR / "index.html").exists():
        pytest.fail("the H5 client is not built: (cd miniprogram && npm ci && npm run build:h5)")
    return BUILD_DIR


@pytest.fixture
def phone(browser, h5_build):
    """A new phone (a fresh browser context: no token in its storage) for each person in the journey;
    the test fails if the Content-Security-Policy refused anything on its pages."""
    contexts, refused = [], []

    def open_phone():
        context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        refused.append(csp_refusals(context))
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()
    assert [message for messages in refused for message in messages] == []
