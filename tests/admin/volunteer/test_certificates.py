"""服务证明 in the console: the certificates issued in the staff member's communities, newest first, names
masked, searched by name and filtered by status; an admin revokes one with a reason (audited), after which
its QR code verifies as revoked; a worker without the right sees no revoke form and is refused; another
community's certificate answers 404; a revocation without a reason changes nothing."""

import pytest
import time_machine

from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
)
from tests.admin.console import sign_in_as, submit, text
from tests.admin.list_pages import ids_on, row_of
from tests.helpers import count_queries
from tests.volunteer.certificate_fixtures import issued, served, state
from tests.volunteer.fixtures import START
from tests.volunteer.shift_fixtures import audited

PAGE = "/admin/volunteer/certificates"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def revoke(client, certificate, reason="时长记录有误"):
    return submit(client, f"{PAGE}/{certificate.id}/revoke", {"reason": reason}, page=PAGE)


def test_the_list_shows_the_communitys_certificates_newest_first_with_names_masked(client, world):
    zhou = served(world.home, "周志远", minutes=6030)
    wang = served(world.home, "王小明", minutes=60)
    first, _ = issued(zhou)
    second, _ = issued(wang)
    third, _ = issued(zhou, 2026)
    issued(served(world.neighbour, "邻居志愿者", minutes=600))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(PAGE))
    assert ids_on(page, "certificate") == [str(third.id), str(second.id), str(first.id)]
    row = row_of(page, "certificate", first.id)
    assert f"ZY2026-{first.id:06d}" in row
    assert '<td data-field="name">周**</td>' in row
    assert "100.5 小时" in row and "★☆☆☆☆（1 星）" in row and "注册以来" in row
    assert "周志远" not in page
    assert 'data-form="revoke"' not in page  # a community worker may look, not revoke

    searched = text(client.get(PAGE, query_string={"q": "周"}))
    assert ids_on(searched, "certificate") == [str(third.id), str(first.id)]


def test_an_admin_revokes_a_certificate_with_a_reason(client, world):
    certificate, token = issued(served(world.home, "周志远", minutes=600))
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert 'data-form="revoke"' in text(client.get(PAGE))
    done = revoke(client, certificate)
    assert done.status_code == 200
    page = text(done)
    assert f"已撤销证明 ZY2026-{certificate.id:06d}（周**）" in page
    row = row_of(page, "certificate", certificate.id)
    assert "已撤销" in row and "时长记录有误" in row
    [entry] = audited("certificate.revoke")
    assert (entry.actor_type, entry.actor_id) == ("staff", world.staff[COMMUNITY_ADMIN].id)
    assert client.get(f"/api/v1/volunteer/certificates/{token}").status_code == 410

    revoked = text(client.get(PAGE, query_string={"status": "revoked"}))
    assert ids_on(revoked, "certificate") == [str(certificate.id)]
    assert ids_on(text(client.get(PAGE, query_string={"status": "valid"})), "certificate") == []

    before = state(certificate.id)
    again = revoke(client, certificate, "再次撤销")
    assert "该证明已撤销，无需重复操作" in text(again)
    assert state(certificate.id) == before


def test_a_revocation_without_a_reason_changes_nothing(client, world):
    certificate, _ = issued(served(world.home, "周志远", minutes=600))
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    before = state(certificate.id)
    for reason in ("", "   ", "长" * 201):
        answer = revoke(client, certificate, reason)
        assert answer.status_code == 200
        assert "撤销原因" in text(answer)
        assert state(certificate.id) == before


@pytest.mark.parametrize("role", [COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN])
def test_another_communitys_certificate_is_not_found(client, world, role):
    far, _ = issued(served(world.elsewhere, "远方志愿者", minutes=600))
    sign_in_as(client, world.staff[role])
    before = state(far.id)
    answer = revoke(client, far)
    if role == CITY_ADMIN:
        assert "已撤销证明" in text(answer)
        return
    assert answer.status_code == 404
    assert state(far.id) == before
    assert str(far.id) not in ids_on(text(client.get(PAGE)), "certificate")


def test_who_may_open_the_page_and_revoke(app, client, world):
    certificate, _ = issued(served(world.home, "周志远", minutes=600))
    grid = app.test_client()
    sign_in_as(grid, world.staff[GRID_WORKER])
    assert grid.get(PAGE).status_code == 403
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    before = state(certificate.id)
    assert revoke(client, certificate).status_code == 403
    assert state(certificate.id) == before


def test_the_list_runs_the_same_statements_however_many(app, client, world):
    zhou = served(world.home, "周志远", minutes=600)
    issued(zhou)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    with count_queries(app) as one:
        client.get(PAGE)
    for i in range(8):
        issued(served(world.home, f"志愿者{i}", minutes=60 * i))
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(PAGE)), "certificate")) == 9
    assert len(many) == len(one) <= 7
