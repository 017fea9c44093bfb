"""The audit log shows the entries of the member's communities (city admins: also those of none)."""

import pytest

from cloudplatform.audit.operations import record
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_ADMIN, STREET_ADMIN
from tests.admin.console import sign_in_as, text


@pytest.fixture
def entries(world, db):
    record(None, "test.home", community_id=world.home.id)
    record(None, "test.neighbour", community_id=world.neighbour.id)
    record(None, "test.elsewhere", community_id=world.elsewhere.id)
    record(None, "test.no_community")
    db.session.commit()


def audit_actions(client) -> set[str]:
    page = text(client.get("/admin/audit"))
    return {a for a in ("test.home", "test.neighbour", "test.elsewhere", "test.no_community") if a in page}


def test_community_admin_sees_only_home(client, world, entries):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert audit_actions(client) == {"test.home"}


def test_street_admin_sees_the_street(client, world, entries):
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert audit_actions(client) == {"test.home", "test.neighbour"}


def test_city_admin_also_sees_entries_without_a_community(client, world, entries):
    sign_in_as(client, world.staff[CITY_ADMIN])
    assert audit_actions(client) == {"test.home", "test.neighbour", "test.elsewhere", "test.no_community"}


def test_entries_name_their_community(client, world, entries):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert f"<td>{world.home.name}</td>" in text(client.get("/admin/audit"))
