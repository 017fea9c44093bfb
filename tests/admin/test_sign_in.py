"""Console sign-in: argon2id passwords, CSRF on every form, rate-limited attempts, secure sessions."""

import re

import pytest
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from tests.admin.console import csrf_token, sign_in
from tests.factories import PASSWORD, StaffAccountFactory


@pytest.fixture
def staff(db):
    return StaffAccountFactory(username="wangli", display_name="王丽")


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/sign-in")


def test_sign_in_page_is_chinese(client):
    page = client.get("/admin/sign-in").get_data(as_text=True)
    assert "工作人员登录" in page


def test_right_password_opens_the_dashboard(client, staff):
    response = sign_in(client, "wangli", PASSWORD)
    assert response.status_code == 302
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "王丽" in dashboard
    assert re.search(r'data-count="工作人员账号">1<', dashboard)


def test_passwords_are_stored_as_argon2id(staff):
    assert staff.password_hash.startswith("$argon2id$")


def test_wrong_password_is_refused_and_audited(client, staff, db):
    response = sign_in(client, "wangli", "wrong-password")
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["staff.sign_in_failed"]


def test_unknown_user_gets_the_same_answer(client, staff):
    response = sign_in(client, "nobody", PASSWORD)
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client, staff, db):
    staff.is_active = False
    db.session.commit()
    sign_in(client, "wangli", PASSWORD)
    assert client.get("/admin/").status_code == 302


def test_form_without_csrf_token_is_refused(client, staff):
    response = client.post("/admin/sign-in", data={"username": "wangli", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_sign_in_attempts_are_rate_limited(client, staff):
    for _ in range(5):
        sign_in(client, "wangli", "wrong-password")
    response = sign_in(client, "wangli", PASSWORD)
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert "操作过于频繁" in response.get_data(as_text=True)


def test_session_cookie_is_http_only_and_same_site(client, staff):
    response = sign_in(client, "wangli", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_next_parameter_cannot_leave_the_console(client, staff):
    response = sign_in(client, "wangli", PASSWORD, next="https://evil.example/")
    assert response.headers["Location"] == "/admin/"


def test_next_parameter_returns_to_the_console_page(client, staff):
    response = sign_in(client, "wangli", PASSWORD, next="/admin/audit")
    assert response.headers["Location"] == "/admin/audit"


def test_sign_out_ends_the_session(client, staff):
    sign_in(client, "wangli", PASSWORD)
    token = csrf_token(client, "/admin/")
    client.post("/admin/sign-out", data={"csrf_token": token})
    assert client.get("/admin/").status_code == 302


def test_audit_page_lists_sign_ins(client, staff):
    sign_in(client, "wangli", PASSWORD)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "staff.sign_in" in page
    assert "wangli" in page


def test_next_parameter_never_points_at_sign_out(client, staff):
    response = sign_in(client, "wangli", PASSWORD, next="/admin/sign-out")
    assert response.headers["Location"] == "/admin/"


def test_signed_in_visit_to_sign_in_goes_to_dashboard(client, staff):
    sign_in(client, "wangli", PASSWORD)
    assert client.get("/admin/sign-in").headers["Location"] == "/admin/"


def test_sign_out_with_an_expired_session_still_lands_on_sign_in(client):
    response = client.post("/admin/sign-out")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/sign-in"


def test_redirect_to_sign_in_keeps_the_page_and_its_query(client):
    response = client.get("/admin/audit?cursor=abc")
    assert response.headers["Location"] == "/admin/sign-in?next=/admin/audit?cursor%3Dabc"


def test_dashboard_runs_one_statement_per_figure(client, staff, app):
    from admin.dashboard import DASHBOARD_TILES
    from tests.helpers import count_queries

    sign_in(client, "wangli", PASSWORD)  # a city admin: every card, the street table and the trend
    with count_queries(app) as statements:
        client.get("/admin/")
    assert len(DASHBOARD_TILES) == 11
    # + the account with its community and street, + 党建云, + 云柜, + 群众点单与留言's two
    assert len(statements) == 11 + 2 + 1 + 6 + 1 + 2
