"""工作人员: accounts in scope; creation within scope and rank; activation; WeChat links."""

import re

import pytest
from sqlalchemy import func, select

from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
    StaffAccount,
)
from tests.admin.console import sign_in, sign_in_as, submit, text
from tests.factories import PASSWORD, StaffAccountFactory
from tests.world import wechat_user

NEW = "/admin/staff/new"


@pytest.fixture
def admin(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_ADMIN])


def create(client, **fields):
    data = {"username": "zhaomin", "display_name": "赵敏", "password": "long-enough-1", "role": GRID_WORKER}
    return submit(client, NEW, data | fields, page=NEW)


def account_named(db, username) -> StaffAccount | None:
    return db.session.scalar(select(StaffAccount).where(StaffAccount.username == username))


def staff_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(StaffAccount))


def options(page: str, name: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return [v for v in re.findall(r'value="([^"]*)"', select_html) if v]


def test_list_shows_accounts_of_the_community(client, world, admin):
    page = text(client.get("/admin/staff"))
    assert 'data-account="u-grid_worker"' in page
    assert "网格员" in page
    assert world.home.name in page


def test_list_leaves_out_another_communitys_accounts(client, world, admin):
    StaffAccountFactory(username="far-away", role=COMMUNITY_STAFF, community_id=world.elsewhere.id)
    page = text(client.get("/admin/staff"))
    assert 'data-account="far-away"' not in page
    assert 'data-account="u-city_admin"' not in page


def test_list_shows_the_linked_wechat_user(client, world, admin):
    page = text(client.get("/admin/staff"))
    row = re.search(r'data-account="u-grid_worker">(.*?)</tr>', page, re.S).group(1)
    assert f"{world.staff[GRID_WORKER].user_id}" in row


def test_role_choices_stop_at_the_members_rank(client, admin):
    assert options(text(client.get(NEW)), "role") == [GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN]


def test_community_choices_are_the_scope(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(NEW))
    assert sorted(options(page, "community_id")) == sorted([str(world.home.id), str(world.neighbour.id)])
    assert options(page, "street_id") == [str(world.staff[STREET_ADMIN].street_id)]


def test_community_admin_gets_no_street_choice(client, admin):
    assert 'name="street_id"' not in text(client.get(NEW))


def test_creating_an_account_in_scope(client, world, admin, db):
    page = text(create(client, community_id=world.home.id))
    assert "已创建账号 zhaomin（网格员）" in page
    account = account_named(db, "zhaomin")
    assert (account.role, account.community_id, account.display_name) == (GRID_WORKER, world.home.id, "赵敏")


def test_created_account_can_sign_in(client, world, admin, app):
    create(client, community_id=world.home.id)
    other = app.test_client()
    assert sign_in(other, "zhaomin", "long-enough-1").headers["Location"] == "/admin/"


def test_street_admin_creates_a_street_admin_of_the_street(client, world, db):
    street_id = world.staff[STREET_ADMIN].street_id
    sign_in_as(client, world.staff[STREET_ADMIN])
    create(client, role=STREET_ADMIN, street_id=street_id)
    assert account_named(db, "zhaomin").street_id == street_id


def test_another_communitys_account_is_refused(client, world, admin, db):
    before = staff_count(db)
    page = text(create(client, community_id=world.elsewhere.id))
    assert "无权创建该角色或该范围的账号" in page
    assert staff_count(db) == before


def test_a_role_above_the_rank_is_refused(client, world, admin, db):
    before = staff_count(db)
    page = text(create(client, role=STREET_ADMIN, street_id=world.staff[STREET_ADMIN].street_id))
    assert "无权创建该角色或该范围的账号" in page
    assert staff_count(db) == before


def test_street_admin_cannot_create_a_city_admin(client, world, db):
    sign_in_as(client, world.staff[STREET_ADMIN])
    before = staff_count(db)
    assert "无权创建该角色或该范围的账号" in text(create(client, role=CITY_ADMIN))
    assert staff_count(db) == before


def test_a_short_password_is_refused(client, world, admin, db):
    page = text(create(client, community_id=world.home.id, password="short"))
    assert "初始密码为 10 至 128 位" in page
    assert account_named(db, "zhaomin") is None


def test_a_community_role_needs_a_community(client, admin, db):
    assert "请选择社区" in text(create(client))
    assert account_named(db, "zhaomin") is None


def test_a_taken_username_is_refused(client, world, admin, db):
    before = staff_count(db)
    page = text(create(client, username="u-grid_worker", community_id=world.home.id))
    assert "用户名已被使用" in page
    assert staff_count(db) == before


def test_deactivated_account_cannot_sign_in(client, world, admin, app, db):
    worker = world.staff[GRID_WORKER]
    page = text(submit(client, f"/admin/staff/{worker.id}/active", {"active": "0"}))
    assert "已停用账号 u-grid_worker" in page
    assert account_named(db, "u-grid_worker").is_active is False
    other = app.test_client()
    assert "用户名或密码错误" in text(sign_in(other, worker.username, PASSWORD))


def test_deactivation_ends_the_accounts_open_session(client, world, app):
    worker_client = app.test_client()
    sign_in_as(worker_client, world.staff[GRID_WORKER])
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    submit(client, f"/admin/staff/{world.staff[GRID_WORKER].id}/active", {"active": "0"})
    assert worker_client.get("/admin/residency").status_code == 302


def test_reactivated_account_can_sign_in_again(client, world, admin, app):
    worker = world.staff[GRID_WORKER]
    submit(client, f"/admin/staff/{worker.id}/active", {"active": "0"})
    submit(client, f"/admin/staff/{worker.id}/active", {"active": "1"})
    assert sign_in(app.test_client(), worker.username, PASSWORD).status_code == 302


def test_deactivating_oneself_is_refused(client, world, admin, db):
    page = text(submit(client, f"/admin/staff/{admin.id}/active", {"active": "0"}))
    assert "不能停用自己的账号" in page
    assert account_named(db, admin.username).is_active is True


def test_another_communitys_account_is_404_and_stays_active(client, world, admin, db):
    far = StaffAccountFactory(username="far-away", role=COMMUNITY_STAFF, community_id=world.elsewhere.id)
    response = submit(client, f"/admin/staff/{far.id}/active", {"active": "0"})
    assert response.status_code == 404
    assert account_named(db, "far-away").is_active is True


def test_linking_a_wechat_user(client, world, admin, db):
    account = StaffAccountFactory(username="newbie", role=COMMUNITY_STAFF, community_id=world.home.id)
    user = wechat_user("newbie-wechat")
    page = text(submit(client, f"/admin/staff/{account.id}/link", {"user_id": str(user.id)}))
    assert f"已将账号 newbie 关联到微信用户 {user.id}" in page
    assert account_named(db, "newbie").user_id == user.id


def test_linking_an_unknown_user_is_refused(client, world, admin, db):
    account = StaffAccountFactory(username="newbie", role=COMMUNITY_STAFF, community_id=world.home.id)
    page = text(submit(client, f"/admin/staff/{account.id}/link", {"user_id": "999999"}))
    assert "该微信用户不存在" in page
    assert account_named(db, "newbie").user_id is None


def test_linking_a_user_linked_elsewhere_is_refused(client, world, admin, db):
    account = StaffAccountFactory(username="newbie", role=COMMUNITY_STAFF, community_id=world.home.id)
    taken = world.staff[GRID_WORKER].user_id
    page = text(submit(client, f"/admin/staff/{account.id}/link", {"user_id": str(taken)}))
    assert "该微信用户已关联其他工作人员账号" in page
    assert account_named(db, "newbie").user_id is None


def test_unlinking_a_wechat_user(client, world, admin, db):
    page = text(submit(client, f"/admin/staff/{world.staff[GRID_WORKER].id}/unlink"))
    assert "已解除账号 u-grid_worker 的微信关联" in page
    assert account_named(db, "u-grid_worker").user_id is None


def test_a_non_numeric_user_id_is_refused(client, world, admin):
    account = StaffAccountFactory(username="newbie", role=COMMUNITY_STAFF, community_id=world.home.id)
    page = text(submit(client, f"/admin/staff/{account.id}/link", {"user_id": "abc"}))
    assert "请输入有效的用户 ID" in page


def test_city_admin_creates_an_account_for_any_community(client, world, db):
    sign_in_as(client, world.staff[CITY_ADMIN])
    create(client, community_id=world.elsewhere.id, role=COMMUNITY_ADMIN)
    assert account_named(db, "zhaomin").community_id == world.elsewhere.id


def test_street_admin_manages_the_street_level_accounts_of_its_street(client, world, db):
    from cloudplatform.identity.models import STREET_ADMIN as ROLE
    from tests.factories import StaffAccountFactory

    StaffAccountFactory(role=ROLE, street_id=world.home.street_id, username="peer-street")
    other = StaffAccountFactory(role=ROLE, street_id=world.elsewhere.street_id, username="other-street")
    sign_in_as(client, world.staff[ROLE])
    page = client.get("/admin/staff").get_data(as_text=True)
    assert "peer-street" in page
    assert "other-street" not in page
    response = submit(client, f"/admin/staff/{other.id}/active", {"active": "0"}, page="/admin/staff")
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.is_active
