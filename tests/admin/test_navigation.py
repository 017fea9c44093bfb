"""Role awareness: the header shows who and where, its links are the pages the role may open, and a
page outside the role answers 403."""

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

NOT_IN_NAV = {"/admin/staff/new", "/admin/notices/new", "/admin/guides/new", "/admin/bookables/new"}
PAGES = {  # path -> roles that may open it, in the order of the header's links
    "/admin/notices": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/notices/new": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/guides": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/guides/new": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/bookables": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/bookables/new": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/bookings/day": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/booking-suspensions": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/residency": {GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/staff": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/staff/new": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/outbox": {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/audit": {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN},
    "/admin/dev/wechat-messages": {CITY_ADMIN},
}
ROLES = [GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN]


def nav_links(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="主导航">(.*?)</nav>', page, re.S).group(1)
    return re.findall(r'href="([^"]+)"', nav)


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
