"""岗位: staff open posts, party members claim the places the headcount allows, staff confirm and credit
the months served; releasing gives the place back."""

from datetime import date

import pytest
from sqlalchemy import select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF
from cloudplatform.party.members.operations import close_post, create_post
from cloudplatform.party.models import PostClaim, ServiceHours, ServicePost
from tests.party.fixtures import make_unit, party_member, resident
from tests.world import log_in

STAFF = "staff-community_staff"


def open_post(world, community=None, headcount=2, **fields):
    staff = world.staff[COMMUNITY_STAFF] if community is None else world.staff["city_admin"]
    post = create_post(
        staff,
        (community or world.home).id,
        title="楼栋党员联络员",
        duties="每月走访本楼栋居民",
        headcount=headcount,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        **fields,
    )
    _db.session.commit()
    return post


@pytest.fixture
def unit(world):
    return make_unit(world.home)


def claim(client, headers, post):
    return client.post(f"/api/v1/party/posts/{post.id}/claims", headers=headers)


def test_members_claim_until_the_post_is_full(client, world, unit):
    post = open_post(world, headcount=1)
    party_member(world.home, "first", unit)
    party_member(world.home, "second", unit)
    first, second = log_in(client, "first"), log_in(client, "second")

    listed = client.get(f"/api/v1/party/posts?community_id={world.home.id}", headers=first).json["items"]
    assert [(p["title"], p["places_left"], p["my_claim"]) for p in listed] == [("楼栋党员联络员", 1, None)]
    claimed = claim(client, first, post)
    assert claimed.status_code == 201 and claimed.json["status"] == "claimed"
    again = claim(client, first, post)
    assert again.status_code == 409 and again.json["error"]["code"] == "ALREADY_CLAIMED"
    full = claim(client, second, post)
    assert full.status_code == 409 and full.json["error"]["code"] == "POST_FULL"
    listed = client.get(f"/api/v1/party/posts?community_id={world.home.id}", headers=first).json["items"]
    assert listed[0]["places_left"] == 0 and listed[0]["my_claim"]["status"] == "claimed"
    assert _db.session.get(ServicePost, post.id).claimed == 1

    released = client.post(f"/api/v1/party/claims/{claimed.json['id']}/release", headers=first)
    assert released.status_code == 200 and released.json["status"] == "released"
    assert claim(client, second, post).status_code == 201


def test_only_party_members_of_the_community_claim_its_open_posts(client, world, unit):
    post = open_post(world)
    resident(world.home, "plain")
    refused = claim(client, log_in(client, "plain"), post)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "NOT_PARTY_MEMBER"

    party_member(world.neighbour, "neighbour", make_unit(world.neighbour, "宝鸡高新区管委会"))
    refused = claim(client, log_in(client, "neighbour"), post)
    assert refused.status_code == 404 and refused.json["error"]["code"] == "POST_NOT_FOUND"
    listed = client.get(
        f"/api/v1/party/posts?community_id={world.home.id}", headers=log_in(client, "neighbour")
    )
    assert listed.status_code == 403

    party_member(world.home, "member", unit)
    close_post(world.staff[COMMUNITY_STAFF], post)
    _db.session.commit()
    closed = claim(client, log_in(client, "member"), post)
    assert closed.status_code == 409 and closed.json["error"]["code"] == "POST_CLOSED"
    assert _db.session.scalar(select(PostClaim.id)) is None


def test_staff_confirm_a_claim_and_credit_each_month_once(client, world, unit):
    post = open_post(world)
    party_member(world.home, "member", unit)
    claim_id = claim(client, log_in(client, "member"), post).json["id"]
    staff = log_in(client, STAFF)
    hours_url = f"/api/v1/staff/party/claims/{claim_id}/hours"
    early = client.post(hours_url, json={"month": "2026-11-15", "minutes": 480}, headers=staff)
    assert early.status_code == 409 and early.json["error"]["code"] == "CLAIM_NOT_ACTIVE"

    confirmed = client.post(
        f"/api/v1/staff/party/claims/{claim_id}/decision", json={"confirm": True}, headers=staff
    )
    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed"
    credited = client.post(hours_url, json={"month": "2026-11-15", "minutes": 480}, headers=staff)
    assert credited.status_code == 201 and credited.json["served_on"] == "2026-11-01"
    twice = client.post(hours_url, json={"month": "2026-11-30", "minutes": 60}, headers=staff)
    assert twice.status_code == 409 and twice.json["error"]["code"] == "ATTENDANCE_CONFIRMED"
    hours = _db.session.scalars(select(ServiceHours)).all()
    assert [(h.minutes, h.unit_id, h.source) for h in hours] == [(480, unit.id, "post")]


def test_turning_a_claim_down_gives_the_place_back(client, world, unit):
    post = open_post(world, headcount=1)
    party_member(world.home, "member", unit)
    claim_id = claim(client, log_in(client, "member"), post).json["id"]
    staff = log_in(client, STAFF)
    declined = client.post(
        f"/api/v1/staff/party/claims/{claim_id}/decision", json={"confirm": False}, headers=staff
    )
    assert declined.json["status"] == "released"
    assert _db.session.get(ServicePost, post.id).claimed == 0


def test_staff_elsewhere_cannot_touch_the_claim(client, world, unit):
    post = open_post(world)
    party_member(world.home, "member", unit)
    claim_id = claim(client, log_in(client, "member"), post).json["id"]
    from tests.factories import StaffAccountFactory

    outsider = resident(world.elsewhere, "outsider")
    StaffAccountFactory(role=COMMUNITY_STAFF, community_id=world.elsewhere.id, user_id=outsider.id)
    refused = client.post(
        f"/api/v1/staff/party/claims/{claim_id}/decision",
        json={"confirm": True},
        headers=log_in(client, "outsider"),
    )
    assert refused.status_code == 404 and refused.json["error"]["code"] == "CLAIM_NOT_FOUND"
    assert _db.session.get(PostClaim, claim_id).status == "claimed"
