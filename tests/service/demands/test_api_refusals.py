"""Every refusal of 群众点单 through the API answers its code and changes nothing: steps out of order,
another organisation's worker, a second rating, a second or late reopening, risky, oversize or control
text, another community's demand, a held demand (neither public nor dispatchable until released)."""

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.service.demands.models import Demand, DemandStep
from tests.service.demands.api_fixtures import (
    ORDER,
    SERVICES,
    STAFF,
    cast,
    dispatch,
    made_at,
    order,
    public,
    report_done,
    step,
    told,
)
from tests.service.demands.fixtures import make_organisation, org_worker, resident_of
from tests.world import log_in

DAY = 86400


def state(demand_id: int) -> tuple:
    """What a refusal must leave as it was: the status, the facts, the number of steps."""
    _db.session.expire_all()
    demand = _db.session.get(Demand, demand_id)
    steps = _db.session.scalar(
        sa.select(sa.func.count(DemandStep.id)).where(DemandStep.demand_id == demand_id)
    )
    return demand.status, demand.organisation_id, demand.rating, demand.reopened_at, demand.held, steps


def refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code, response.json


def demand_count() -> int:
    return _db.session.scalar(sa.select(sa.func.count(Demand.id)))


def rate(client, headers, demand_id, rating=5):
    return client.post(f"{SERVICES}/demands/{demand_id}/rating", json={"rating": rating}, headers=headers)


def reopen(client, headers, demand_id):
    return client.post(f"{SERVICES}/demands/{demand_id}/reopen", json={"reason": "没有解决"}, headers=headers)


def test_verifying_before_the_work_is_reported_is_refused(client, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "accepted")
    before = state(demand)
    refused(step(client, c.street, demand, "verify", step="done"), 409, "DEMAND_WRONG_STEP")
    refused(step(client, c.street, demand, "verify", step="accepted"), 409, "DEMAND_WRONG_STEP")
    assert state(demand) == before


def test_rating_before_verification_is_refused(client, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "done")
    before = state(demand)
    refused(rate(client, c.me, demand), 409, "DEMAND_WRONG_STEP")
    assert state(demand) == before


def test_another_organisations_worker_cannot_accept(client, world):
    c = cast(client, world)
    org_worker(make_organisation(world.home, "火炬路志愿服务队"), "zhiyuan-worker")
    demand = made_at(client, world, c, "dispatched")
    before = state(demand)
    refused(
        step(client, log_in(client, "zhiyuan-worker"), demand, "accept", step="dispatched"),
        404,
        "DEMAND_NOT_FOUND",
    )
    assert state(demand) == before


@pytest.mark.parametrize("who", ["staff", "me"])
def test_only_an_organisations_worker_accepts(client, world, who):
    c = cast(client, world)
    demand = made_at(client, world, c, "dispatched")
    before = state(demand)
    response = step(client, getattr(c, who), demand, "accept", step="dispatched")
    assert response.status_code == 403
    assert state(demand) == before


def test_a_demand_is_rated_once(client, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "rated")
    before = state(demand)
    refused(rate(client, c.me, demand, 1), 409, "ALREADY_RATED")
    assert state(demand) == before


def test_a_rating_is_from_1_to_5(client, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "verified")
    before = state(demand)
    refused(rate(client, c.me, demand, 6), 422, "VALIDATION_ERROR")
    refused(rate(client, c.me, demand, 0), 422, "VALIDATION_ERROR")
    assert state(demand) == before


def test_a_demand_is_reopened_once(client, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "verified")
    assert reopen(client, c.me, demand).status_code == 200
    assert dispatch(client, c.staff, demand, c.organisation.id).status_code == 200
    assert step(client, c.worker, demand, "accept", step="dispatched").status_code == 200
    assert report_done(client, c.worker, demand).status_code == 200
    assert step(client, c.street, demand, "verify", step="done").status_code == 200
    before = state(demand)
    response = reopen(client, c.me, demand)
    refused(response, 409, "REOPEN_REFUSED")
    assert response.json["error"]["details"]["reason"] == "once"
    assert state(demand) == before


def test_a_demand_is_not_reopened_after_14_days(client, world, clock):
    c = cast(client, world)
    demand = made_at(client, world, c, "verified")
    clock.shift(15 * DAY)
    before = state(demand)
    response = reopen(client, log_in(client, "周桂兰"), demand)
    refused(response, 409, "REOPEN_REFUSED")
    assert response.json["error"]["details"]["reason"] == "late"
    assert state(demand) == before


def test_reopening_a_rated_demand_is_refused(client, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "rated")
    before = state(demand)
    refused(reopen(client, c.me, demand), 409, "DEMAND_WRONG_STEP")
    assert state(demand) == before


def test_risky_text_is_refused_and_nothing_is_kept(client, world):
    c = cast(client, world)
    refused(order(client, c.me, world.home, description="楼下有人聚众赌博"), 422, "CONTENT_RISKY")
    assert demand_count() == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "扶" * 61),
        ("description", "扶" * 2001),
        ("location", "楼" * 101),
        ("title", "楼道\x00扶手"),
        ("description", "扶手\x1b[31m松动"),
        ("title", ""),
        ("category", "gambling"),
        ("photo_ids", list(range(1, 11))),
    ],
)
def test_bad_text_is_refused_and_nothing_is_kept(client, world, field, value):
    c = cast(client, world)
    response = order(client, c.me, world.home, **{field: value})
    refused(response, 422, "VALIDATION_ERROR")
    assert field in response.json["error"]["details"]["fields"]
    assert demand_count() == 0


def test_only_a_resident_of_the_community_orders(client, world):
    c = cast(client, world)
    refused(order(client, c.me, world.elsewhere), 403, "DEMAND_NOT_RESIDENT")
    assert demand_count() == 0


def test_another_communitys_demand_is_not_found(client, world):
    c = cast(client, world)
    outsider = resident_of(world.elsewhere, "远方居民")
    there = order(client, log_in(client, "远方居民"), world.elsewhere).json["id"]
    before = state(there)
    refused(client.get(f"{STAFF}/demands/{there}", headers=c.staff), 404, "DEMAND_NOT_FOUND")
    refused(dispatch(client, c.staff, there, c.organisation.id), 404, "DEMAND_NOT_FOUND")
    refused(client.get(f"{SERVICES}/demands/{there}", headers=c.me), 404, "DEMAND_NOT_FOUND")  # not hers
    assert state(there) == before and outsider.id


def test_a_demand_goes_only_to_an_organisation_serving_its_community(client, world):
    c = cast(client, world)
    foreign = make_organisation(world.elsewhere, "外区服务中心")
    demand = made_at(client, world, c, "submitted")
    before = state(demand)
    refused(dispatch(client, c.staff, demand, foreign.id), 404, "ORGANISATION_NOT_FOUND")
    refused(
        dispatch(client, c.staff, demand, c.organisation.id, deadline="2026-12-06"), 422, "DEADLINE_INVALID"
    )
    assert state(demand) == before


def test_a_stale_dispatch_is_refused(client, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "dispatched")
    before = state(demand)
    refused(dispatch(client, c.staff, demand, c.organisation.id), 409, "DEMAND_WRONG_STEP")
    assert state(demand) == before


def test_a_held_demand_is_neither_public_nor_dispatched_until_released(client, world):
    c = cast(client, world)
    made = order(client, c.me, world.home, description="需要帮忙的加微信联系我")
    assert made.status_code == 201 and made.json["held"] is True and "审核" in made.json["held_note"]
    demand = made.json["id"]
    before = state(demand)
    refused(dispatch(client, c.staff, demand, c.organisation.id), 409, "DEMAND_HELD")
    assert state(demand) == before
    assert public(client, demand).status_code == 404

    released = step(client, c.staff, demand, "release")
    assert released.status_code == 200 and released.json["held"] is False
    assert dispatch(client, c.staff, demand, c.organisation.id).status_code == 200
    assert public(client, demand).status_code == 200
    listed = client.get(f"{SERVICES}/demands/public?community_id={world.home.id}").json["items"]
    assert [i["id"] for i in listed] == [demand]


def test_a_held_dispatched_demand_is_not_public(client, world):
    """Held, even where staff dispatched it before (demo data, a later re-check): never public."""
    c = cast(client, world)
    demand = made_at(client, world, c, "dispatched")
    _db.session.execute(sa.update(Demand).where(Demand.id == demand).values(held=True))
    _db.session.commit()
    refused(public(client, demand), 404, "DEMAND_NOT_FOUND")
    assert client.get(f"{SERVICES}/demands/public?community_id={world.home.id}").json["items"] == []


def test_dismissing_needs_a_reason_and_a_dismissed_demand_is_not_dispatched(client, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "submitted")
    dismissed = step(client, c.staff, demand, "dismiss", step="submitted", reason="不属于社区办理范围")
    assert dismissed.status_code == 200 and dismissed.json["status_name"] == "不予受理"
    before = state(demand)
    refused(dispatch(client, c.staff, demand, c.organisation.id), 409, "DEMAND_WRONG_STEP")
    refused(public(client, demand), 404, "DEMAND_NOT_FOUND")
    assert state(demand) == before


def test_a_merged_demands_resident_follows_the_other(client, world):
    c = cast(client, world)
    first = made_at(client, world, c, "submitted")
    neighbour_user = resident_of(world.home, "邻居")
    neighbour = log_in(client, "邻居")
    second = order(client, neighbour, world.home, **ORDER).json["id"]
    merged = step(client, c.staff, second, "merge", into_id=first)
    assert merged.status_code == 200 and merged.json["status"] == "merged"
    assert merged.json["merged_into_id"] == first
    refused(step(client, c.staff, first, "merge", into_id=first), 409, "MERGE_REFUSED")
    assert dispatch(client, c.staff, first, c.organisation.id).status_code == 200
    mine = client.get(f"{SERVICES}/demands/{second}", headers=neighbour).json
    assert mine["status_name"] == "已合并"
    assert [m["phrase2"]["value"] for m in told(neighbour_user)] == ["已合并", "待接单"]


def test_supervising_is_for_the_supervision_committee(client, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "accepted")
    before = state(demand)
    assert step(client, c.staff, demand, "supervise", comment="请加快").status_code == 403
    refused(step(client, c.supervisor, demand, "supervise", comment="   "), 422, "REASON_REQUIRED")
    assert state(demand) == before
