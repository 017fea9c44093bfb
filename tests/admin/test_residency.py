"""居民认证 in the console: lists in scope with masked names, an audited detail, approve and reject."""

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.identity.models import (
    APPROVED,
    COMMUNITY_ADMIN,
    GRID_WORKER,
    PENDING,
    RESIDENT,
    STREET_ADMIN,
    Building,
    Membership,
    ResidencyRequest,
)
from cloudplatform.notify.models import Notification
from tests.admin.console import residency_request, sign_in_as, submit, text


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


def test_list_pages_with_a_cursor(client, world, admin):
    made = [residency_request(world, world.home).id for _ in range(51)]
    first = text(client.get("/admin/residency"))
    assert f'data-request="{made[0]}"' not in first  # newest first: the oldest is on page two
    cursor = first.split("cursor=")[1].split('"')[0]
    second = text(client.get(f"/admin/residency?cursor={cursor}"))
    assert f'data-request="{made[0]}"' in second
    assert f'data-request="{made[-1]}"' not in second


def test_detail_shows_the_full_request_and_a_masked_phone(client, world, pending, admin, db):
    page = text(client.get(detail_url(pending)))
    building = db.session.get(Building, world.buildings[world.home.id])
    assert '<dd data-field="real_name">张秀兰</dd>' in page
    assert f'<dd data-field="building">{building.name}</dd>' in page
    assert '<dd data-field="room">2单元301</dd>' in page
    assert '<dd data-field="phone">138****1234</dd>' in page
    assert "13800001234" not in page


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
