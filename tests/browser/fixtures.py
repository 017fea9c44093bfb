"""Browser fixtures (a plugin of tests/conftest.py): the app on a loopback port, headless Chromium."""

import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"  # Debian's build (apt-get install chromium); never a download
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def buffered(app):
    """The app with each response read whole and its iterator closed before anything is sent.

    Werkzeug's development server skips closing a response's iterator when the browser drops the
    connection mid-response (it does, navigating away), which leaves a static file open and fails
    the test with a ResourceWarning.
    """

    def serve(environ, start_response):
        chunks = app(environ, start_response)
        try:
            return [b"".join(chunks)]
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    return serve


@pytest.fixture
def live_server(app):
    """Serve the test's app (its own per-test database) over HTTP; yield the base URL.

    Each request runs in a server thread with its own app context and database session.
    """
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) per test, closed afterwards; the test fails if the
    Content-Security-Policy refused anything on its pages."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    refused = csp_refusals(context)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert refused == []


def csp_refusals(context) -> list[str]:
    """What the Content-Security-Policy refuses in the context's pages, as Chromium logs each refusal
    (an inline script or handler, a resource from elsewhere)."""
    refused: list[str] = []
    context.on(
        "console", lambda message: "Content Security Policy" in message.text and refused.append(message.text)
    )
    return refused
