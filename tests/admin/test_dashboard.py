"""The dashboard counts what lies in the signed-in member's scope."""

import re

import pytest

from cloudplatform.identity.models import (
    APPROVED,
    CITY_ADMIN,
    COMMUNITY_STAFF,
    PARTY_MEMBER,
    STREET_ADMIN,
)
from tests.admin.console import member, residency_request, sign_in_as, text
from tests.factories import StaffAccountFactory


TODAY = {"今日预约": 0, "今日核销": 0, "发送失败消息": 0}


def cards(client) -> dict[str, int]:
    page = text(client.get("/admin/"))
    return {label: int(value) for label, value in re.findall(r'data-count="([^"]+)">(\d+)<', page)}


@pytest.fixture
def spread(world):
    """In each of home, neighbour and elsewhere: a resident, a party member, a pending request,
    a decided request and a staff account (besides the world's staff, who all belong to home)."""
    for community in (world.home, world.neighbour, world.elsewhere):
        member(community)
        member(community, PARTY_MEMBER)
        residency_request(world, community)
        residency_request(world, community, status=APPROVED)
        StaffAccountFactory(role=COMMUNITY_STAFF, community_id=community.id)
    return world


def test_community_staff_count_their_community(client, spread):
    sign_in_as(client, spread.staff[COMMUNITY_STAFF])
    # home's staff: grid worker, community staff, community admin, and the one made above
    assert cards(client) == {**TODAY, "社区": 1, "居民": 1, "在职党员": 1, "待审核居民认证": 1, "工作人员账号": 4}


def test_street_admin_counts_the_street(client, spread):
    sign_in_as(client, spread.staff[STREET_ADMIN])
    # home's four, the neighbour's one, and the street admin's own street-level account
    assert cards(client) == {**TODAY, "社区": 2, "居民": 2, "在职党员": 2, "待审核居民认证": 2, "工作人员账号": 6}


def test_city_admin_counts_everything(client, spread):
    sign_in_as(client, spread.staff[CITY_ADMIN])
    # all accounts: the world's five and the three made above
    assert cards(client) == {**TODAY, "社区": 3, "居民": 3, "在职党员": 3, "待审核居民认证": 3, "工作人员账号": 8}
