"""报到: a resident reports as a member of a unit, staff decide, the role follows; one report at a time;
moving house and the yearly reconfirmation end it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, PARTY_MEMBER, Membership, ResidencyRequest
from cloudplatform.identity.operations import decide_residency
from cloudplatform.notify.models import Notification
from cloudplatform.party.members.tasks import reconfirm_reports
from cloudplatform.party.models import PartyReport
from tests.party.fixtures import make_unit, party_member, resident
from tests.world import log_in

STAFF = "staff-community_staff"


def roles(user, community) -> set[str]:
    held = select(Membership.role).where(
        Membership.user_id == user.id, Membership.community_id == community.id
    )
    return set(_db.session.scalars(held))


def messages(user) -> list[dict]:
    return [n.data for n in _db.session.scalars(select(Notification).where(Notification.user_id == user.id))]


def submit(client, headers, community, unit, **extra):
    body = {
        "community_id": community.id,
        "unit_id": unit.id,
        "real_name": "李建国",
        "position": "科员",
    } | extra
    return client.post("/api/v1/party/reports", json=body, headers=headers)


@pytest.fixture
def unit(world):
    return make_unit(world.home)


def test_a_resident_reports_and_staff_approve_it(client, world, unit):
    member = resident(world.home, "lijianguo")
    headers = log_in(client, "lijianguo")
    units = client.get(f"/api/v1/party/units?community_id={world.home.id}", headers=headers).json["items"]
    assert [u["name"] for u in units] == ["宝鸡市税务局高新分局"]

    created = submit(client, headers, world.home, unit)
    assert created.status_code == 201, created.json
    assert created.json["status"] == "pending" and created.json["unit_name"] == "宝鸡市税务局高新分局"

    staff = log_in(client, STAFF)
    queue = client.get("/api/v1/staff/party/reports", headers=staff).json["items"]
    assert [(r["id"], r["real_name"]) for r in queue] == [(created.json["id"], "李**")]
    detail = client.get(f"/api/v1/staff/party/reports/{created.json['id']}", headers=staff)
    assert detail.json["real_name"] == "李建国"
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "party_report.view")) is not None

    decided = client.post(
        f"/api/v1/staff/party/reports/{created.json['id']}/decision", json={"approve": True}, headers=staff
    )
    assert decided.status_code == 200 and decided.json["status"] == "approved"
    assert decided.json["confirmed_until"] is not None
    assert PARTY_MEMBER in roles(member, world.home)
    me = client.get("/api/v1/me", headers=headers).json
    assert "party_member" in me["communities"][0]["roles"]
    assert messages(member)[-1]["phrase2"]["value"] == "已报到"
    mine = client.get("/api/v1/party/reports/mine", headers=headers).json["items"]
    assert [r["status_name"] for r in mine] == ["已报到"]


def test_only_a_verified_resident_reports_and_only_as_an_open_unit(client, world, unit):
    stranger_headers = (resident(world.neighbour, "stranger"), log_in(client, "stranger"))[1]
    refused = submit(client, stranger_headers, world.home, unit)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "NOT_RESIDENT"

    resident(world.home, "liu")
    headers = log_in(client, "liu")
    elsewhere_unit = make_unit(world.elsewhere, "宝鸡石油机械厂")
    refused = submit(client, headers, world.home, elsewhere_unit)
    assert refused.status_code == 404 and refused.json["error"]["code"] == "UNIT_NOT_FOUND"
    units = client.get(f"/api/v1/party/units?community_id={world.elsewhere.id}", headers=headers)
    assert units.status_code == 404
    assert _db.session.scalar(select(PartyReport.id)) is None


def test_one_report_at_a_time(client, world, unit):
    resident(world.home, "liu")
    headers = log_in(client, "liu")
    assert submit(client, headers, world.home, unit).status_code == 201
    again = submit(client, headers, world.home, unit)
    assert again.status_code == 409 and again.json["error"]["code"] == "ALREADY_REPORTED"


def test_a_rejection_needs_a_reason_and_lets_the_member_report_again(client, world, unit):
    member = resident(world.home, "liu")
    headers = log_in(client, "liu")
    report_id = submit(client, headers, world.home, unit).json["id"]
    staff = log_in(client, STAFF)
    url = f"/api/v1/staff/party/reports/{report_id}/decision"
    missing = client.post(url, json={"approve": False}, headers=staff)
    assert missing.status_code == 422 and missing.json["error"]["code"] == "REASON_REQUIRED"
    rejected = client.post(url, json={"approve": False, "reason": "单位信息有误"}, headers=staff)
    assert rejected.json["status"] == "rejected"
    twice = client.post(url, json={"approve": True}, headers=staff)
    assert twice.status_code == 409 and twice.json["error"]["code"] == "REPORT_NOT_PENDING"
    assert PARTY_MEMBER not in roles(member, world.home)
    assert messages(member)[-1]["thing3"]["value"] == "单位信息有误"
    assert submit(client, headers, world.home, unit).status_code == 201


def test_staff_of_another_community_do_not_see_the_report(client, world, unit):
    other_staff = resident(world.elsewhere, "other-staff")
    from tests.factories import StaffAccountFactory

    StaffAccountFactory(role=COMMUNITY_STAFF, community_id=world.elsewhere.id, user_id=other_staff.id)
    resident(world.home, "liu")
    report_id = submit(client, log_in(client, "liu"), world.home, unit).json["id"]
    headers = log_in(client, "other-staff")
    assert client.get("/api/v1/staff/party/reports", headers=headers).json["items"] == []
    refused = client.post(
        f"/api/v1/staff/party/reports/{report_id}/decision", json={"approve": True}, headers=headers
    )
    assert refused.status_code == 404 and refused.json["error"]["code"] == "REPORT_NOT_FOUND"
    assert _db.session.get(PartyReport, report_id).status == "pending"


def test_revoking_takes_the_role_away(client, world, unit):
    member = party_member(world.home, "liu", unit)
    report = _db.session.scalar(select(PartyReport).where(PartyReport.user_id == member.id))
    staff = log_in(client, STAFF)
    url = f"/api/v1/staff/party/reports/{report.id}/revoke"
    assert client.post(url, json={"reason": ""}, headers=staff).status_code == 422
    revoked = client.post(url, json={"reason": "已调离该单位"}, headers=staff)
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert PARTY_MEMBER not in roles(member, world.home)


def test_moving_house_ends_the_old_report_and_a_new_one_goes_to_the_new_community(client, world, unit):
    member = party_member(world.home, "liu", unit)
    move = ResidencyRequest(
        user_id=member.id,
        community_id=world.neighbour.id,
        building_id=world.buildings[world.neighbour.id],
        room="1单元101",
        real_name="刘洋",
    )
    _db.session.add(move)
    _db.session.commit()
    decide_residency(world.staff["street_admin"], move, True, "")
    _db.session.commit()
    old = _db.session.scalar(select(PartyReport).where(PartyReport.user_id == member.id))
    assert old.status == "revoked" and PARTY_MEMBER not in roles(member, world.home)

    neighbour_unit = make_unit(world.neighbour, "宝鸡高新区管委会")
    created = submit(client, log_in(client, "liu"), world.neighbour, neighbour_unit)
    assert created.status_code == 201 and created.json["community_id"] == world.neighbour.id


def test_the_yearly_reconfirmation_reminds_once_then_lapses(app, client, world, unit, clock):
    member = party_member(world.home, "liu", unit)  # confirmed for 335 more days
    clock.shift(timedelta(days=310))
    assert reconfirm_reports() == {"reminded": 1, "lapsed": 0}
    assert reconfirm_reports() == {"reminded": 0, "lapsed": 0}
    _db.session.commit()
    clock.shift(timedelta(days=30))
    assert reconfirm_reports() == {"reminded": 0, "lapsed": 1}
    _db.session.commit()
    assert PARTY_MEMBER not in roles(member, world.home)
    assert [m["phrase2"]["value"] for m in messages(member)] == ["已报到", "已失效"]


def test_reconfirming_extends_the_year(client, world, unit, clock):
    party_member(world.home, "liu", unit)
    clock.shift(timedelta(days=320))
    headers = log_in(client, "liu")
    confirmed = client.post("/api/v1/party/reports/mine/reconfirm", headers=headers)
    assert confirmed.status_code == 200
    clock.shift(timedelta(days=40))
    assert reconfirm_reports() == {"reminded": 0, "lapsed": 0}
    resident(world.home, "nobody")
    refused = client.post("/api/v1/party/reports/mine/reconfirm", headers=log_in(client, "nobody"))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "NOT_PARTY_MEMBER"
