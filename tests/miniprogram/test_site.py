"""The H5 build of the mini-program client at /m/ (miniprogram_api/site.py), on a build of the test's own."""

import pytest


def fetch(client, path):
    """The answer with its body read and its file closed (a file answer left open is a ResourceWarning)."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def build(app, tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(
        '<div id="app"></div><script src="/m/assets/index-1a2b.js"></script>'
    )
    (tmp_path / "assets" / "index-1a2b.js").write_text("console.log('宝鸡')")
    (tmp_path / "assets" / "index-1a2b.css").write_text("page { color: #1d5fbf }")
    app.config["MINIPROGRAM_H5_DIR"] = str(tmp_path)
    return tmp_path


def test_the_client_opens_at_m(client, build):
    response = fetch(client, "/m/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b'<div id="app">' in response.data
    assert response.cache_control.no_cache  # a new build shows at once


def test_assets_are_served_with_their_types_and_kept(client, build):
    script = fetch(client, "/m/assets/index-1a2b.js")
    style = fetch(client, "/m/assets/index-1a2b.css")
    assert (script.status_code, script.mimetype) == (200, "text/javascript")
    assert (style.status_code, style.mimetype) == (200, "text/css")
    assert script.cache_control.max_age == 365 * 24 * 3600


@pytest.mark.parametrize("path", ["/m/assets/missing.js", "/m/../setup.cfg", "/m/%2e%2e/setup.cfg"])
def test_a_missing_file_is_the_404_envelope(client, build, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "NOT_FOUND"


def test_without_a_build_m_is_the_404_envelope_and_the_api_works(app, client, tmp_path):
    app.config["MINIPROGRAM_H5_DIR"] = str(tmp_path / "not-built")
    assert client.get("/m/").json["error"]["code"] == "NOT_FOUND"
    assert client.get("/api/v1/communities").status_code == 200
