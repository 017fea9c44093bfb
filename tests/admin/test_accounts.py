"""修改密码 and 重置密码: staff change their own password; an administrator resets one within their scope
and rank, and that account opens nothing else until it has set its own."""

import pytest
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN
from tests.admin.console import sign_in, sign_in_as, submit, text
from tests.factories import PASSWORD, StaffAccountFactory

CHANGE = "/admin/account/password"
NEW_PASSWORD = "a-new-password-2027"
TEMPORARY = "temporary-pass-1"


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    data = {
        "current_password": current,
        "new_password": new,
        "confirm_password": new if confirm is None else confirm,
    }
    return submit(client, CHANGE, data, page=CHANGE)


def reset(client, account, password=TEMPORARY):
    page = f"/admin/staff/{account.id}/password"
    return submit(client, page, {"password": password}, page=page)


def actions(db) -> list[str]:
    db.session.commit()
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def signs_in_with(app, username, password) -> bool:
    """Whether a fresh browser can sign in with this password."""
    return sign_in(app.test_client(), username, password).status_code == 302


@pytest.fixture
def worker(client, world):
    return sign_in_as(client, world.staff[GRID_WORKER])


def test_header_links_to_the_change_page(client, worker):
    assert f'href="{CHANGE}"' in text(client.get("/admin/"))


def test_staff_change_their_own_password(app, client, worker):
    page = text(change(client))
    assert "密码已修改" in page
    assert signs_in_with(app, worker.username, NEW_PASSWORD)
    assert not signs_in_with(app, worker.username, PASSWORD)


def test_changed_password_is_stored_as_argon2id(client, worker, db):
    change(client)
    db.session.refresh(worker)
    assert worker.password_hash.startswith("$argon2id$")


def test_change_is_audited(client, worker, db):
    change(client)
    assert actions(db)[-1] == "staff.password_change"


def test_wrong_current_password_is_refused_on_the_same_page(app, client, worker, db):
    response = change(client, current="not-my-password")
    assert response.status_code == 422
    assert response.request.path == CHANGE
    assert "当前密码不正确" in text(response)
    assert "staff.password_change" not in actions(db)
    assert signs_in_with(app, worker.username, PASSWORD)


@pytest.mark.parametrize(
    ("new", "confirm", "message"),
    [
        ("short-1", None, "新密码为 10 至 128 位"),
        (NEW_PASSWORD, "something-else-1", "两次输入的新密码不一致"),
        (PASSWORD, None, "新密码不能与当前密码相同"),
    ],
)
def test_weak_or_mistyped_new_password_is_refused(app, client, worker, new, confirm, message):
    response = change(client, new=new, confirm=confirm)
    assert response.status_code == 422
    assert message in text(response)
    assert signs_in_with(app, worker.username, PASSWORD)


def test_new_password_equal_to_the_username_is_refused(client, world):
    account = StaffAccountFactory(username="liuyang-2026", role=COMMUNITY_STAFF, community_id=world.home.id)
    sign_in_as(client, account)
    response = change(client, new="liuyang-2026")
    assert response.status_code == 422
    assert "不能与用户名相同" in text(response)


def test_change_page_needs_sign_in(client):
    assert client.get(CHANGE).headers["Location"].startswith("/admin/sign-in")


# -- 重置密码 ---------------------------------------------------------------------------------------


@pytest.fixture
def admin(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_ADMIN])


def test_staff_list_links_to_reset(client, admin, world):
    page = text(client.get("/admin/staff"))
    assert f'href="/admin/staff/{world.staff[GRID_WORKER].id}/password"' in page


def test_admin_resets_a_password_and_it_is_audited(app, client, admin, world, db):
    worker = world.staff[GRID_WORKER]
    page = text(reset(client, worker))
    assert f"已重置账号 {worker.username} 的密码" in page
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.actor_id, entry.target_id) == (
        "staff.password_reset",
        admin.id,
        str(worker.id),
    )
    assert signs_in_with(app, worker.username, TEMPORARY)


def test_short_temporary_password_is_refused_on_the_same_page(app, client, admin, world):
    worker = world.staff[GRID_WORKER]
    response = reset(client, worker, "short")
    assert response.status_code == 422
    assert response.request.path == f"/admin/staff/{worker.id}/password"
    assert "临时密码为 10 至 128 位" in text(response)
    assert signs_in_with(app, worker.username, PASSWORD)


def test_account_of_another_community_cannot_be_reset(client, admin, world):
    other = StaffAccountFactory(role=GRID_WORKER, community_id=world.neighbour.id)
    assert client.get(f"/admin/staff/{other.id}/password").status_code == 404
    assert reset(client, other).status_code == 404


def test_account_above_ones_rank_cannot_be_reset(client, admin, world):
    assert reset(client, world.staff[STREET_ADMIN]).status_code == 404  # not among the accounts it manages


def test_community_staff_cannot_reset_passwords(client, world):
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert reset(client, world.staff[GRID_WORKER]).status_code == 403


# -- the change a reset forces ------------------------------------------------------------------------


@pytest.fixture
def was_reset(app, client, admin, world):
    """The grid worker's password reset by the community admin; the worker signed in with it."""
    worker = world.staff[GRID_WORKER]
    reset(client, worker)
    worker_client = app.test_client()
    sign_in(worker_client, worker.username, TEMPORARY)
    return worker_client, worker


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/residency", "/admin/bookings/day", "/admin/no-such-page"]
)
def test_reset_account_is_sent_to_the_change_page(was_reset, path):
    worker_client, _ = was_reset
    response = worker_client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == CHANGE


def test_change_page_says_why_and_hides_the_nav(was_reset):
    worker_client, _ = was_reset
    page = text(worker_client.get("/admin/", follow_redirects=True))
    assert "管理员已重置你的密码，请先设置新密码" in page
    assert 'id="sidebar"' not in page


def test_forms_of_a_reset_account_are_refused_too(was_reset, world):
    worker_client, _ = was_reset
    response = submit(worker_client, "/admin/bookings/check-in", {"qr_token": "x"}, page=CHANGE)
    assert response.request.path == CHANGE


def test_after_changing_the_reset_account_works_again(app, was_reset):
    worker_client, worker = was_reset
    change(worker_client, current=TEMPORARY)
    assert worker_client.get("/admin/").status_code == 200
    assert signs_in_with(app, worker.username, NEW_PASSWORD)
