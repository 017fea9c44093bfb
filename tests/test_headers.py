"""Security headers on every answer (cloudplatform/headers.py): the policy, nosniff and the referrer rule
on the API, the console, the docs, the probes, the device API and files; no-store on every answer that
does not choose its own caching (tokens, /me, personal data, console pages), never on a static file;
HSTS only in production; an answer's own stricter policy kept."""

import re
from pathlib import Path

import pytest

from cloudplatform.headers import CONTENT_SECURITY_POLICY
from tests.admin.console import sign_in_as
from tests.factories import StaffAccountFactory
from tests.world import fresh_code, log_in, wechat_user

ROOT = Path(__file__).resolve().parent.parent
SAFE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_secured(response):
    for name, value in SAFE.items():
        assert response.headers[name] == value, name
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "base-uri" in directives
    assert "Strict-Transport-Security" not in response.headers  # development and tests: plain HTTP


def test_the_policy_allows_no_inline_script_and_no_eval():
    script = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))["script-src"]
    assert "unsafe-inline" not in script and "unsafe-eval" not in script


def test_login_and_me_are_secured_and_never_stored(client, db):
    wechat_user("alice")
    login = client.post("/api/v1/auth/login", json={"code": fresh_code("alice")})
    assert login.status_code == 200
    assert_secured(login)
    assert login.headers["Cache-Control"] == "no-store"
    me = client.get("/api/v1/me", headers=log_in(client, "alice"))
    assert me.status_code == 200
    assert_secured(me)
    assert me.headers["Cache-Control"] == "no-store"


def test_an_error_answer_is_secured_and_never_stored(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert_secured(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_console_pages_are_secured_and_never_stored(client, db):
    sign_in = client.get("/admin/sign-in")
    assert_secured(sign_in)
    assert sign_in.headers["Cache-Control"] == "no-store"
    sign_in_as(client, StaffAccountFactory())
    page = client.get("/admin/")
    assert page.status_code == 200
    assert_secured(page)
    assert page.headers["Cache-Control"] == "no-store"


def test_console_pages_carry_no_inline_script(client, db):
    """The policy would refuse it: every script of the console is a file under admin/static/."""
    templates = ROOT / "admin" / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+=\s*[\"']|javascript:", re.IGNORECASE)
    found = [str(p.relative_to(ROOT)) for p in templates.rglob("*.html") if inline.search(p.read_text())]
    assert found == []
    sign_in_as(client, StaffAccountFactory())
    page = client.get("/admin/").get_data(as_text=True)
    assert "/admin/static/console.js" in page
    assert not inline.search(page)


def test_the_docs_page_starts_swagger_ui_from_a_file(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert_secured(page)
    html = page.get_data(as_text=True)
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/api/v1/docs/assets/swagger-ui-standalone-preset.js">',
        '<script src="/api/v1/docs/assets/swagger-ui-bundle.js">',
        '<script src="/static/swagger_init.js">',
    ]
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    document = client.get("/api/v1/openapi.json")
    assert_secured(document)


@pytest.mark.parametrize(
    "path",
    ["/static/swagger_init.js", "/admin/static/console.js", "/api/v1/docs/assets/swagger-ui-bundle.js"],
)
def test_static_files_are_secured_and_cacheable(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_secured(response)
    assert "no-store" not in response.headers["Cache-Control"]
    assert response.headers["ETag"]
    response.close()


def test_probes_and_the_device_api_are_secured(client, db):
    health = client.get("/healthz")
    assert_secured(health)
    assert health.headers["Cache-Control"] == "no-store"
    device = client.post("/device/v1/heartbeat", json={})
    assert device.status_code in (400, 401, 403, 422)
    assert_secured(device)
    assert device.headers["Cache-Control"] == "no-store"


def test_hsts_only_in_production(app, client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    app.config["CLOUDPLATFORM_ENV"] = "production"
    assert client.get("/healthz").headers["Strict-Transport-Security"] == "max-age=31536000"
    file = client.get("/admin/static/console.js")
    assert file.headers["Strict-Transport-Security"] == "max-age=31536000"
    file.close()


def test_an_answer_keeps_its_own_stricter_policy(app, client):
    @app.get("/test/own-policy")
    def own_policy():
        return (
            "x",
            200,
            {"Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private"},
        )

    response = client.get("/test/own-policy")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_nginx_gives_the_console_files_it_serves_the_same_headers():
    """nginx serves /admin/static/ from the checkout, without the app: the site adds the headers there."""
    site = (ROOT / "deploy" / "nginx" / "baoji.conf").read_text()
    static = site[site.index("location /admin/static/ {") :]
    static = static[: static.index("}")]
    assert 'add_header X-Content-Type-Options "nosniff" always;' in static
    assert 'add_header Referrer-Policy "same-origin" always;' in static
    assert f'add_header Content-Security-Policy "{CONTENT_SECURITY_POLICY}" always;' in static
    assert 'add_header Strict-Transport-Security "max-age=31536000" always;' in static
