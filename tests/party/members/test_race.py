"""Members race for the last place of a post and staff race to decide one report, on PostgreSQL."""

import pytest
from sqlalchemy import func, select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import PARTY_MEMBER, Membership
from cloudplatform.party.models import CLAIM_ACTIVE, PartyReport, PostClaim, ServicePost
from tests.party.fixtures import make_unit, party_member, resident
from tests.party.members.test_posts import open_post
from tests.service.bookings.test_race import race
from tests.world import log_in

pytestmark = pytest.mark.postgres

CLIENTS = 20


@pytest.fixture(autouse=True)
def many_logins(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"  # every racer logs in from 127.0.0.1


def test_exactly_headcount_members_get_the_last_places(app, client, world):
    unit = make_unit(world.home)
    post = open_post(world, headcount=2)
    headers = []
    for i in range(CLIENTS):
        party_member(world.home, f"racer{i}", unit)
        headers.append(log_in(client, f"racer{i}"))
    results = race(app, [(f"/api/v1/party/posts/{post.id}/claims", None, h) for h in headers])
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 2 + [409] * (CLIENTS - 2)
    _db.session.expire_all()
    active = select(func.count()).where(PostClaim.post_id == post.id, PostClaim.status.in_(CLAIM_ACTIVE))
    assert _db.session.scalar(active) == 2 == _db.session.get(ServicePost, post.id).claimed


def test_one_member_claiming_twice_at_once_holds_one_place(app, client, world):
    unit = make_unit(world.home)
    post = open_post(world, headcount=5)
    party_member(world.home, "eager", unit)
    headers = log_in(client, "eager")
    results = race(app, [(f"/api/v1/party/posts/{post.id}/claims", None, headers)] * 6)
    assert sorted(r.status_code for r in results) == [201] + [409] * 5
    _db.session.expire_all()
    assert _db.session.get(ServicePost, post.id).claimed == 1


def test_two_staff_deciding_one_report_at_once_have_one_winner(app, client, world):
    unit = make_unit(world.home)
    member = resident(world.home, "liu")
    body = {"community_id": world.home.id, "unit_id": unit.id, "real_name": "刘洋"}
    report_id = client.post("/api/v1/party/reports", json=body, headers=log_in(client, "liu")).json["id"]
    url = f"/api/v1/staff/party/reports/{report_id}/decision"
    staff = [log_in(client, "staff-community_staff"), log_in(client, "staff-community_admin")]
    decisions = [{"approve": True}, {"approve": False, "reason": "信息有误"}]
    results = race(app, [(url, decision, h) for decision, h in zip(decisions * 3, staff * 3, strict=True)])
    assert sorted(r.status_code for r in results) == [200] + [409] * 5
    _db.session.expire_all()
    report = _db.session.get(PartyReport, report_id)
    member_roles = select(Membership.role).where(
        Membership.user_id == member.id, Membership.role == PARTY_MEMBER
    )
    assert (_db.session.scalar(member_roles) is not None) == (report.status == "approved")


def test_reporting_twice_at_once_makes_one_report(app, client, world):
    unit = make_unit(world.home)
    resident(world.home, "liu")
    headers = log_in(client, "liu")
    body = {"community_id": world.home.id, "unit_id": unit.id, "real_name": "刘洋"}
    results = race(app, [("/api/v1/party/reports", body, headers)] * 5)
    assert sorted(r.status_code for r in results) == [201] + [409] * 4
    assert {r.json["error"]["code"] for r in results if r.status_code == 409} == {"ALREADY_REPORTED"}
