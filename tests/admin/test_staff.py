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
from tests.admin.list_pages import ids_on, pager_link, row_of
from tests.factories import PASSWORD, StaffAccountFactory
from tests.helpers import count_queries
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


def test_list_shows_the_linked_wechat_user_by_masked_name(client, world, admin):
    user_id = world.staff[GRID_WORKER].user_id
    row = row_of(text(client.get("/admin/staff")), "account", "u-grid_worker")
    assert f'<span data-user="{user_id}">s{"*" * len("taff-grid_worker")}</span>' in row
    assert "staff-grid_worker" not in row  # the nickname, masked


def test_an_unlinked_account_links_with_the_user_picker(client, world, admin):
    StaffAccountFactory(username="newbie", role=COMMUNITY_STAFF, community_id=world.home.id)
    row = row_of(text(client.get("/admin/staff")), "account", "newbie")
    assert 'data-picker="/admin/pick/users"' in row
    assert '<input type="hidden" name="user_id" value=""' in row
    assert 'inputmode="numeric"' not in row  # no id to type


def accounts_on(page: str) -> list[str]:
    return ids_on(page, "account")


def test_list_shows_the_total(client, world, admin):
    page = text(client.get("/admin/staff"))
    assert accounts_on(page) == ["u-community_admin", "u-community_staff", "u-grid_worker"]  # newest first
    assert "共 3 条，第 1–3 条" in page


def test_list_pages_by_number(client, world, admin):
    for n in range(50):
        StaffAccountFactory(username=f"worker-{n:02d}", role=GRID_WORKER, community_id=world.home.id)
    first = text(client.get("/admin/staff?sort=username"))
    assert "共 53 条，第 1–50 条" in first
    second = text(client.get(pager_link(first, "next")))
    assert accounts_on(second) == ["worker-47", "worker-48", "worker-49"]
    assert "共 53 条，第 51–53 条" in second
    assert accounts_on(text(client.get(pager_link(second, "prev")))) == accounts_on(first)


def test_search_by_username_or_name(client, world, admin):
    StaffAccountFactory(username="zhao", display_name="赵敏", role=GRID_WORKER, community_id=world.home.id)
    StaffAccountFactory(username="qian", display_name="钱敏", role=GRID_WORKER, community_id=world.home.id)
    assert accounts_on(text(client.get("/admin/staff?q=zha"))) == ["zhao"]
    assert accounts_on(text(client.get("/admin/staff", query_string={"q": "敏"}))) == ["qian", "zhao"]
    assert accounts_on(text(client.get("/admin/staff", query_string={"q": "%"}))) == []
    assert accounts_on(text(client.get("/admin/staff", query_string={"q": "u_grid"}))) == []  # "_" literal


def test_filter_by_role_and_state(client, world, admin, db):
    StaffAccountFactory(username="gone", role=GRID_WORKER, community_id=world.home.id, is_active=False)
    page = text(client.get(f"/admin/staff?role={GRID_WORKER}"))
    assert accounts_on(page) == ["gone", "u-grid_worker"]
    assert f'<option value="{GRID_WORKER}" selected>网格员</option>' in page
    assert accounts_on(text(client.get("/admin/staff?active=0"))) == ["gone"]
    assert "gone" not in accounts_on(text(client.get("/admin/staff?active=1")))
    assert accounts_on(text(client.get(f"/admin/staff?role={GRID_WORKER}&active=1"))) == ["u-grid_worker"]


def test_sort_by_username_and_by_role(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    by_name = accounts_on(text(client.get("/admin/staff?sort=username")))
    assert by_name == sorted(by_name)
    assert accounts_on(text(client.get("/admin/staff?sort=-username"))) == sorted(by_name, reverse=True)
    assert accounts_on(text(client.get("/admin/staff?sort=role"))) == [
        "u-grid_worker",
        "u-community_staff",
        "u-community_admin",
        "u-street_admin",
    ]


def test_one_account_by_its_id(client, world, admin):
    worker = world.staff[GRID_WORKER]
    assert accounts_on(text(client.get(f"/admin/staff?account={worker.id}"))) == ["u-grid_worker"]
    far = StaffAccountFactory(username="far-away", role=COMMUNITY_STAFF, community_id=world.elsewhere.id)
    assert accounts_on(text(client.get(f"/admin/staff?account={far.id}"))) == []


@pytest.mark.parametrize(
    "query",
    ["page=x", "role=boss", "active=maybe", "account=abc", "account=999999999999999999999", "sort=pw"],
)
def test_bad_query_strings_are_ignored(client, admin, query):
    response = client.get(f"/admin/staff?{query}")
    assert response.status_code == 200
    assert "u-grid_worker" in accounts_on(text(response))


def test_list_reads_a_constant_number_of_statements(client, world, admin, app):
    with count_queries(app) as few:
        client.get("/admin/staff")
    for n in range(8):
        user = wechat_user(f"linked-{n}")
        StaffAccountFactory(
            username=f"more-{n}", role=GRID_WORKER, community_id=world.home.id, user_id=user.id
        )
    with count_queries(app) as many:
        page = text(client.get("/admin/staff"))
    assert len(accounts_on(page)) == 11
    assert len(many) == len(few)


def test_role_choices_stop_at_the_members_rank(client, admin):
    assert options(text(client.get(NEW)), "role") == [GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN]


def test_community_admin_chooses_their_community_from_a_select(client, world, admin):
    assert options(text(client.get(NEW)), "community_id") == [str(world.home.id)]


def test_street_admin_picks_the_community_and_selects_the_street(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(NEW))
    assert 'data-picker="/admin/pick/communities"' in page
    assert '<input type="hidden" name="community_id" value=""' in page
    assert '<select id="community_id"' not in page
    assert options(page, "street_id") == [str(world.staff[STREET_ADMIN].street_id)]


def test_a_refused_form_keeps_the_picked_community(client, world, db):
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(create(client, community_id=world.neighbour.id, password="short"))
    assert "初始密码为 10 至 128 位" in page
    assert f'<input type="hidden" name="community_id" value="{world.neighbour.id}"' in page
    assert f'value="{world.neighbour.name}"' in page


def test_street_admin_creates_an_account_in_a_picked_community(client, world, db):
    sign_in_as(client, world.staff[STREET_ADMIN])
    create(client, community_id=world.neighbour.id)
    assert account_named(db, "zhaomin").community_id == world.neighbour.id


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
    assert "已将账号 newbie 关联到微信用户 n************" in page  # newbie-wechat, masked
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


def test_linking_without_choosing_a_user_is_refused(client, world, admin, db):
    account = StaffAccountFactory(username="newbie", role=COMMUNITY_STAFF, community_id=world.home.id)
    page = text(submit(client, f"/admin/staff/{account.id}/link", {"user_id": ""}))
    assert "请选择微信用户" in page
    assert account_named(db, "newbie").user_id is None


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
