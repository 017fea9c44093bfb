"""居民认证 in the console: lists in scope with masked names, an audited detail, approve and reject."""

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import (
    APPROVED,
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    GRID_WORKER,
    PENDING,
    RESIDENT,
    STREET_ADMIN,
    Building,
    Membership,
    ResidencyRequest,
    User,
)
from cloudplatform.notify.models import Notification
from tests.admin.console import residency_request, sign_in_as, submit, text
from tests.admin.list_pages import ids_on, pager_link
from tests.factories import BuildingFactory, CommunityFactory, ResidencyRequestFactory, UserFactory
from tests.helpers import count_queries


@pytest.fixture
def pending(world):
    return residency_request(world, world.home, real_name="张秀兰", room="2单元301")


@pytest.fixture
def admin(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_ADMIN])


def detail_url(request):
    return f"/admin/residency/{request.id}"


def status_of(db, request):
    return db.session.scalar(select(ResidencyRequest.status).where(ResidencyRequest.id == request.id))


def test_list_shows_pending_requests_with_masked_names(client, pending, admin):
    page = text(client.get("/admin/residency"))
    assert f'data-request="{pending.id}"' in page
    assert "张**" in page
    assert "张秀兰" not in page


def test_list_leaves_out_another_communitys_request(client, world, pending, admin):
    other = residency_request(world, world.elsewhere)
    assert f'data-request="{other.id}"' not in text(client.get("/admin/residency"))


def test_street_admin_lists_the_neighbours_request_too(client, world, pending):
    neighbour = residency_request(world, world.neighbour)
    other = residency_request(world, world.elsewhere)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/residency"))
    assert f'data-request="{pending.id}"' in page
    assert f'data-request="{neighbour.id}"' in page
    assert f'data-request="{other.id}"' not in page


def test_another_communitys_request_is_404(client, world, admin):
    other = residency_request(world, world.elsewhere)
    assert client.get(detail_url(other)).status_code == 404


def test_list_shows_the_total_and_pages_by_number(client, world, admin):
    made = [residency_request(world, world.home).id for _ in range(51)]
    first = text(client.get("/admin/residency"))
    assert "共 51 条，第 1–50 条" in first
    assert f'data-request="{made[0]}"' not in first  # newest first: the oldest is on page two
    assert pager_link(first, "prev") is None
    second = text(client.get(pager_link(first, "next")))
    assert "共 51 条，第 51–51 条" in second
    assert requests_on(second) == [made[0]]
    assert pager_link(second, "next") is None
    assert requests_on(text(client.get(pager_link(second, "prev")))) == requests_on(first)


def requests_on(page: str) -> list[int]:
    return [int(i) for i in ids_on(page, "request")]


def request_in(world, community, building_name=None, **fields):
    """A pending request of a new user, in a building named ``building_name`` (a new one) if given."""
    building_id = world.buildings[community.id]
    if building_name:
        grid_id = _db.session.get(Building, building_id).grid_id
        building_id = BuildingFactory(grid_id=grid_id, name=building_name).id
    user = UserFactory()
    return ResidencyRequestFactory(
        user_id=user.id, community_id=community.id, building_id=building_id, **fields
    )


def test_search_finds_by_real_name_building_or_room(client, world, admin):
    zhang = request_in(world, world.home, real_name="张秀兰", room="1单元101")
    li = request_in(world, world.home, "火炬路3号楼", real_name="李建国", room="2单元502")
    wang = request_in(world, world.home, real_name="王芳", room="3单元301")
    assert requests_on(text(client.get("/admin/residency", query_string={"q": "秀兰"}))) == [zhang.id]
    assert requests_on(text(client.get("/admin/residency", query_string={"q": "火炬路"}))) == [li.id]
    page = text(client.get("/admin/residency", query_string={"q": "3单元"}))
    assert requests_on(page) == [wang.id]
    assert "共 1 条" in page
    assert "清除条件" in page


def test_search_takes_percent_and_underscore_literally(client, world, admin):
    request_in(world, world.home, real_name="张秀兰")
    odd = request_in(world, world.home, real_name="张_兰")
    assert requests_on(text(client.get("/admin/residency", query_string={"q": "%"}))) == []
    assert requests_on(text(client.get("/admin/residency", query_string={"q": "_"}))) == [odd.id]


def test_search_keeps_the_tab(client, world, admin):
    request_in(world, world.home, real_name="张秀兰")
    approved = request_in(world, world.home, real_name="张建国", status=APPROVED)
    page = text(client.get("/admin/residency", query_string={"q": "张", "status": APPROVED}))
    assert requests_on(page) == [approved.id]
    assert '<input type="hidden" name="status" value="approved">' in page


def test_sort_by_building_then_back_to_newest(client, world, admin):
    b = request_in(world, world.home, "B座", room="101")
    a = request_in(world, world.home, "A座", room="201")
    c = request_in(world, world.home, "C座", room="101")
    assert requests_on(text(client.get("/admin/residency?sort=building"))) == [a.id, b.id, c.id]
    assert requests_on(text(client.get("/admin/residency?sort=-building"))) == [c.id, b.id, a.id]
    newest = text(client.get("/admin/residency"))
    assert requests_on(newest) == [c.id, a.id, b.id]
    assert 'href="/admin/residency?sort=building">楼栋</a>' in newest


def test_street_admin_filters_by_community(client, world, pending):
    neighbour = residency_request(world, world.neighbour)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/residency"))
    assert f'<option value="{world.neighbour.id}">{world.neighbour.name}' in page
    assert f'<option value="{world.elsewhere.id}"' not in page
    narrowed = text(client.get(f"/admin/residency?community_id={world.neighbour.id}"))
    assert requests_on(narrowed) == [neighbour.id]
    assert "共 1 条" in narrowed


def test_a_community_outside_the_choices_is_ignored(client, world, pending):
    residency_request(world, world.elsewhere)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(f"/admin/residency?community_id={world.elsewhere.id}"))
    assert requests_on(page) == [pending.id]


def test_a_communitys_own_staff_get_no_community_filter(client, pending, admin):
    assert 'name="community_id"' not in text(client.get("/admin/residency"))


def test_city_admin_with_many_communities_filters_with_the_picker(client, world, pending):
    for _ in range(20):
        CommunityFactory(street_id=world.elsewhere.street_id)
    sign_in_as(client, world.staff[CITY_ADMIN])
    page = text(client.get("/admin/residency"))
    assert 'data-picker="/admin/pick/communities"' in page
    assert '<select name="community_id"' not in page
    narrowed = text(client.get(f"/admin/residency?community_id={world.home.id}"))
    assert requests_on(narrowed) == [pending.id]
    assert f'value="{world.home.name}"' in narrowed  # the picker shows the chosen community


def test_a_picked_community_outside_the_scope_is_ignored(client, world, pending):
    for _ in range(20):
        CommunityFactory(street_id=world.home.street_id)
    residency_request(world, world.elsewhere)
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(f"/admin/residency?community_id={world.elsewhere.id}"))
    assert 'data-picker="/admin/pick/communities"' in page
    assert requests_on(page) == [pending.id]


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-3",
        "page=99999999999999999999",
        "sort=id;drop",
        "status=nonsense",
        "community_id=abc",
        "community_id=99999999999999999999999",
        "q=%00",
    ],
)
def test_bad_query_strings_are_ignored(client, pending, admin, query):
    response = client.get(f"/admin/residency?{query}")
    assert response.status_code == 200
    assert requests_on(text(response)) == [pending.id]


def test_list_reads_a_constant_number_of_statements(client, world, admin, app):
    request_in(world, world.home)
    with count_queries(app) as one:
        client.get("/admin/residency")
    for _ in range(10):
        request_in(world, world.neighbour if _ % 2 else world.home, "新楼")
    with count_queries(app) as many:
        page = text(client.get("/admin/residency"))
    assert len(requests_on(page)) == 6
    assert len(many) == len(one)


def test_detail_shows_the_full_request_and_a_masked_phone(client, world, pending, admin, db):
    page = text(client.get(detail_url(pending)))
    building = db.session.get(Building, world.buildings[world.home.id])
    assert '<dd data-field="real_name">张秀兰</dd>' in page
    assert f'<dd data-field="building">{building.name}</dd>' in page
    assert '<dd data-field="room">2单元301</dd>' in page
    assert '<dd data-field="phone">138****1234</dd>' in page
    assert "13800001234" not in page


def test_detail_names_the_wechat_user_not_their_id(client, world, pending, admin, db):
    nickname = db.session.get(User, pending.user_id).nickname
    page = text(client.get(detail_url(pending)))
    assert f'<dd data-field="user">{nickname[0]}{"*" * (len(nickname) - 1)}</dd>' in page


def test_opening_the_detail_is_audited(client, world, pending, admin, db):
    client.get(detail_url(pending))
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "residency.view")).all()
    assert [(v.actor_name, v.target_id, v.community_id) for v in views] == [
        (world.staff[COMMUNITY_ADMIN].username, str(pending.id), world.home.id)
    ]


def test_approving_grants_residency(client, world, pending, admin, db):
    page = text(submit(client, f"{detail_url(pending)}/approve", page=detail_url(pending)))
    assert "已通过 张** 的居民认证申请" in page
    assert status_of(db, pending) == APPROVED
    membership = db.session.scalar(select(Membership).where(Membership.user_id == pending.user_id))
    assert (membership.community_id, membership.role, membership.room) == (
        world.home.id,
        RESIDENT,
        "2单元301",
    )


def test_approved_request_leaves_the_pending_list(client, pending, admin):
    submit(client, f"{detail_url(pending)}/approve", page=detail_url(pending))
    assert f'data-request="{pending.id}"' not in text(client.get("/admin/residency"))
    assert f'data-request="{pending.id}"' in text(client.get("/admin/residency?status=approved"))


def test_grid_worker_may_approve(client, world, pending, db):
    sign_in_as(client, world.staff[GRID_WORKER])
    submit(client, f"{detail_url(pending)}/approve", page=detail_url(pending))
    assert status_of(db, pending) == APPROVED


def test_rejecting_needs_a_reason(client, pending, admin, db):
    page = text(submit(client, f"{detail_url(pending)}/reject", {"reason": " "}, page=detail_url(pending)))
    assert "驳回时请填写原因" in page
    assert status_of(db, pending) == PENDING


def test_rejecting_with_a_reason_grants_nothing(client, pending, admin, db):
    submit(client, f"{detail_url(pending)}/reject", {"reason": "房号与登记不符"}, page=detail_url(pending))
    request = db.session.get(ResidencyRequest, pending.id)
    assert (request.status, request.reason) == ("rejected", "房号与登记不符")
    assert db.session.scalar(select(Membership)) is None


def test_rejecting_queues_the_result_message_with_the_reason(client, pending, admin, db):
    submit(client, f"{detail_url(pending)}/reject", {"reason": "房号与登记不符"}, page=detail_url(pending))
    [message] = db.session.scalars(select(Notification)).all()
    assert (message.user_id, message.template_key) == (pending.user_id, "residency_result")
    assert message.data["phrase2"]["value"] == "未通过"
    assert message.data["thing3"]["value"] == "房号与登记不符"


def test_a_decided_request_cannot_be_decided_again(client, pending, admin, db):
    submit(client, f"{detail_url(pending)}/approve", page=detail_url(pending))
    page = text(submit(client, f"{detail_url(pending)}/reject", {"reason": "重复"}, page=detail_url(pending)))
    assert "该申请已处理" in page
    assert status_of(db, pending) == APPROVED
    assert db.session.scalar(select(sa.func.count(Notification.id))) == 1  # the refused one told no one


def test_approving_another_communitys_request_is_404_and_changes_nothing(client, world, admin, db):
    other = residency_request(world, world.elsewhere)
    response = submit(client, f"{detail_url(other)}/approve")
    assert response.status_code == 404
    assert status_of(db, other) == PENDING
