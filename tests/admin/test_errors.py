"""Errors in the frame: unknown pages, wrong methods, refusals and rate limits are console pages that say
what to do next, and a refused form ends on an address the browser can open again."""

from datetime import timedelta

import pytest

from cloudplatform.clock import local, now
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER
from tests.admin.console import csrf_token, residency_request, sign_in, sign_in_as, submit, text
from tests.factories import PASSWORD, StaffAccountFactory
from tests.service.notices.helpers import make_notice


def in_console_layout(page: str) -> bool:
    return "宝鸡社区云平台 · 管理后台" in page and 'class="card" data-error=' in page


@pytest.fixture
def worker(client, world):
    return sign_in_as(client, world.staff[GRID_WORKER])


def test_unknown_console_page_is_a_404_in_the_layout_with_the_nav(client, worker):
    response = client.get("/admin/no-such-page")
    page = text(response)
    assert response.status_code == 404
    assert in_console_layout(page)
    assert 'id="sidebar"' in page
    assert "请检查地址，或从菜单进入" in page
    assert 'href="/admin/">返回工作台' in page


def test_unknown_console_page_signed_out_offers_sign_in(client):
    response = client.get("/admin/no-such-page")
    page = text(response)
    assert response.status_code == 404
    assert in_console_layout(page)
    assert 'href="/admin/sign-in">前往登录' in page


def test_missing_record_is_a_404_in_the_layout(client, worker):
    page = text(client.get("/admin/residency/999999"))
    assert in_console_layout(page)
    assert "返回工作台" in page


def test_wrong_method_is_a_405_in_the_layout_with_allow(client, worker):
    response = client.get("/admin/sign-out")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    page = text(response)
    assert in_console_layout(page)
    assert "不支持该请求方法" in page
    assert "这个地址不能直接打开，请回到页面上使用按钮提交" in page


def test_refusal_is_a_403_that_says_to_ask_an_administrator(client, worker):
    response = client.get("/admin/staff")
    assert response.status_code == 403
    assert in_console_layout(text(response))
    assert "联系管理员" in text(response)


def test_sign_in_rate_limit_is_a_429_in_the_layout(client, db):
    account = StaffAccountFactory(username="wangli")
    for _ in range(5):
        sign_in(client, account.username, "wrong-password")
    response = sign_in(client, account.username, PASSWORD)
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    page = text(response)
    assert in_console_layout(page)
    assert "请稍等一分钟后再试" in page
    assert 'href="/admin/sign-in">前往登录' in page


def test_api_errors_keep_their_json_envelope(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_api_wrong_method_keeps_its_json_envelope(client):
    response = client.delete("/api/v1/auth/login", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"


# -- refused forms end on a page that opens ---------------------------------------------------------


def ends_on_a_page_that_opens(client, response, path: str) -> bool:
    """The browser's address after the POST (and its redirects) is ``path``, and opening it again works."""
    return response.request.path == path and client.get(path).status_code == 200


def test_refused_hours_reopen(client, world, service):
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    edit = f"/admin/bookables/{service.id}/edit"
    response = submit(client, f"{edit}?part=hours", {"hours": "周八 09:00-12:00"}, page=edit)
    assert response.status_code == 422
    assert ends_on_a_page_that_opens(client, response, edit)


def test_refused_closure_reopens(client, world, service):
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    edit = f"/admin/bookables/{service.id}/edit"
    yesterday = (local(now()).date() - timedelta(days=1)).isoformat()
    response = submit(client, f"{edit}?part=closures", {"day": yesterday, "reason": "补登"}, page=edit)
    assert response.status_code == 422
    assert ends_on_a_page_that_opens(client, response, edit)


def test_old_hours_address_is_gone(client, world, service):
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert client.get(f"/admin/bookables/{service.id}/hours").status_code == 404


def test_refused_rejection_reopens(client, world):
    pending = residency_request(world, world.home, real_name="张秀兰")
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    detail = f"/admin/residency/{pending.id}"
    response = submit(client, f"{detail}/reject", {"reason": " "}, page=detail)
    assert "驳回时请填写原因" in text(response)
    assert ends_on_a_page_that_opens(client, response, detail)


def test_refused_withdrawal_reopens(client, world):
    notice = make_notice(world.home)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    detail = f"/admin/notices/{notice.id}"
    submit(client, f"{detail}/withdraw", page=detail)
    response = submit(client, f"{detail}/withdraw", page=detail)
    assert "已撤回" in text(response)
    assert ends_on_a_page_that_opens(client, response, detail)


def test_refused_staff_link_reopens(client, world):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    account = world.staff[GRID_WORKER]
    response = submit(client, f"/admin/staff/{account.id}/link", {"user_id": "abc"}, page="/admin/staff")
    assert "请输入有效的用户 ID" in text(response)
    assert ends_on_a_page_that_opens(client, response, "/admin/staff")


def test_form_posted_by_an_account_stopped_meanwhile_returns_to_its_page_after_sign_in(client, world, db):
    """The address the form posts to answers only POST: sign-in leads back to the page the form was on."""
    pending = residency_request(world, world.home, real_name="张秀兰")
    staff = sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    detail = f"/admin/residency/{pending.id}"
    token = csrf_token(client, detail)
    staff.is_active = False
    db.session.commit()
    response = client.post(
        f"{detail}/reject", data={"csrf_token": token}, headers={"Referer": f"http://localhost{detail}"}
    )
    assert response.headers["Location"] == f"/admin/sign-in?next={detail}"


def test_expired_form_is_a_400_in_the_layout(client, worker):
    response = client.post("/admin/bookings/check-in", data={"qr_token": "x"})
    assert response.status_code == 400
    assert in_console_layout(text(response))
    assert "请返回上一页刷新后重新提交" in text(response)
