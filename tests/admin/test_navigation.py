"""Role awareness: the header shows who and where, the sidebar's groups and links are the pages the
role may open, the current page is marked, and a page outside the role answers 403."""

import re

import pytest

from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
)
from tests.admin.console import sign_in_as, text

NOT_IN_NAV = {
    "/admin/staff/new",
    "/admin/notices/new",
    "/admin/guides/new",
    "/admin/bookables/new",
    "/admin/organisations/new",
}
PAGES = {  # path -> roles that may open it, in the order of the sidebar's links
    "/admin/notices": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/notices/new": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/guides": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/guides/new": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/bookables": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/bookables/new": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/bookings/day": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/booking-suspensions": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/aid/applications": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/aid/publicity": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/aid/statistics": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/aid/categories": {CITY_ADMIN},
    "/admin/aid/calendar": {CITY_ADMIN},
    "/admin/demands": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/organisation/demands": set(),  # an organisation's workers only
    "/admin/organisations": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/organisations/new": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/messages": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/demands/statistics": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/party/reports": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/party/units": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/party/posts": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/party/activities": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/party/unit-reports": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/volunteer/shifts": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/volunteer/attendance": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/volunteer/disputes": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/volunteer/rules": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/volunteer/volunteers": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/volunteer/recognition": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/volunteer/certificates": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/volunteer/rewards": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/volunteer/redemptions": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/locker/cabinets": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/locker/deposits/new": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/locker/deposits": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/locker/retrievals": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/locker/alerts": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/residency": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/staff": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/staff/new": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/outbox": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/audit": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/dev/wechat-messages": {CITY_ADMIN},
}
ROLES = [GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN]


SERVICE_CLOUD = ["通知公告", "办事指南", "预约事项", "预约日程", "预约暂停"]
AID = ["救助审核", "救助公示", "救助统计", "救助类别", "节假日"]
DEMANDS = ["诉求看板", "社会组织", "留言信箱", "点单统计"]
PARTY_CLOUD = ["报到审核", "单位党组织", "服务岗位", "党建活动", "单位月报"]
VOLUNTEER_CLOUD = [
    "志愿班次",
    "出勤确认",
    "时长异议",
    "积分规则",
    "志愿者",
    "优秀志愿者",
    "服务证明",
    "爱心超市",
    "兑换核销",
]
LOCKERS = ["云柜列表", "存件", "存取记录", "待回收", "告警"]
RESIDENTS_SYSTEM = ["居民认证", "工作人员", "消息发送", "审计日志", "开发用：微信消息记录"]


def sidebar(page: str) -> str:
    return re.search(r'<nav id="sidebar" aria-label="主导航">(.*?)</nav>', page, re.S).group(1)


def nav_links(page: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', sidebar(page))


def nav_groups(page: str) -> dict[str, list[str]]:
    """Group heading -> the labels of its links, in order ("" for the links above every group)."""
    groups, name = {}, ""
    for heading, label in re.findall(r"<h2>([^<]+)</h2>|<a [^>]*>([^<]+)</a>", sidebar(page)):
        if heading:
            name = heading
        else:
            groups.setdefault(name, []).append(label)
    return groups


def current_links(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', sidebar(page))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(PAGES))
def test_page_answers_by_role(client, world, path, role):
    sign_in_as(client, world.staff[role])
    assert client.get(path).status_code == (200 if role in PAGES[path] else 403)


def test_refusal_is_a_chinese_page_in_the_console(client, world):
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get("/admin/staff"))
    assert "没有权限执行此操作" in page
    assert "主导航" in page


@pytest.mark.parametrize("role", ROLES)
def test_nav_lists_only_pages_the_role_may_open(client, world, role):
    sign_in_as(client, world.staff[role])
    links = nav_links(text(client.get("/admin/")))
    expected = ["/admin/"] + [p for p in PAGES if p not in NOT_IN_NAV and role in PAGES[p]]
    assert sorted(links) == sorted(expected)


def test_header_shows_role_and_community(client, world):
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get("/admin/"))
    assert "<span data-role>网格员</span>" in page
    assert f"<span data-scope>{world.home.name}</span>" in page


def test_header_shows_street_of_a_street_admin(client, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/"))
    assert "<span data-role>街道管理员</span>" in page
    assert f"<span data-scope>{world.staff[STREET_ADMIN].street.name}</span>" in page


def test_header_shows_the_whole_city_for_a_city_admin(client, world):
    sign_in_as(client, world.staff[CITY_ADMIN])
    assert "<span data-scope>全市</span>" in text(client.get("/admin/"))


def test_dev_page_is_not_in_the_nav_in_production(client, world, app):
    app.config["CLOUDPLATFORM_ENV"] = "production"
    sign_in_as(client, world.staff[CITY_ADMIN])
    assert "/admin/dev/wechat-messages" not in nav_links(text(client.get("/admin/")))


def test_nav_groups_pages_by_module_in_order(client, world):
    sign_in_as(client, world.staff[CITY_ADMIN])
    assert nav_groups(text(client.get("/admin/"))) == {
        "": ["工作台"],
        "服务云": SERVICE_CLOUD,
        "困难救助": AID,
        "群众点单": DEMANDS,
        "党建云": PARTY_CLOUD,
        "志愿云": VOLUNTEER_CLOUD,
        "云柜": LOCKERS,
        "居民 / 系统": RESIDENTS_SYSTEM,
    }


def test_grid_worker_sees_each_group_with_only_its_pages(client, world):
    sign_in_as(client, world.staff[GRID_WORKER])
    assert nav_groups(text(client.get("/admin/"))) == {
        "": ["工作台"],
        "服务云": ["预约日程"],
        "困难救助": AID[:3],
        "党建云": ["党建活动"],
        "志愿云": ["志愿班次", "出勤确认", "兑换核销"],
        "云柜": LOCKERS,
        "居民 / 系统": ["居民认证"],
    }


def test_a_group_without_pages_the_role_may_open_is_left_out(world):
    """The rule the coming modules' groups (党建云, 志愿云, 云柜) rely on, on a group of their kind."""
    from admin.views import nav_for

    staff = world.staff[GRID_WORKER]
    nav = [
        (None, [("admin.dashboard", "工作台", None)]),
        ("党建云", [("admin.audit_log", "党员报到", "audit.view")]),
    ]
    assert [group for group, _ in nav_for(staff, nav)] == [None]
    assert [group for group, _ in nav_for(world.staff[CITY_ADMIN], nav)] == [None, "党建云"]


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/admin/", "/admin/"),
        ("/admin/notices", "/admin/notices"),
        ("/admin/notices/new", "/admin/notices"),
        ("/admin/bookables/new", "/admin/bookables"),
        ("/admin/bookings/day", "/admin/bookings/day"),
        ("/admin/staff/new", "/admin/staff"),
        ("/admin/demands/statistics", "/admin/demands/statistics"),
        ("/admin/organisations/new", "/admin/organisations"),
        ("/admin/locker/deposits/new", "/admin/locker/deposits/new"),
        ("/admin/locker/deposits", "/admin/locker/deposits"),
    ],
)
def test_current_page_is_marked_in_the_nav(client, world, path, current):
    sign_in_as(client, world.staff[CITY_ADMIN])
    assert current_links(text(client.get(path))) == [current]


def test_phone_menu_button_controls_the_sidebar(client, world):
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get("/admin/"))
    button = re.search(r'<button type="button" class="menu-toggle"([^>]*)>菜单</button>', page).group(1)
    assert 'aria-controls="sidebar"' in button
    assert 'aria-expanded="false"' in button


def test_sign_in_page_has_no_nav(client):
    assert 'id="sidebar"' not in text(client.get("/admin/sign-in"))
