"""Demands go through the 五单 steps by the API: one through all five steps and a rating; another through a
decline, a dispatch afresh, a send-back and a reopen. At every step the resident sees where it stands,
the public 四公开 view is right (or absent), and the resident is told of each staff step."""

import json

from tests.service.demands.api_fixtures import (
    SERVICES,
    cast,
    dispatch,
    made_at,
    mine,
    order,
    public,
    report_done,
    step,
    told,
)
from tests.service.demands.fixtures import make_organisation, org_worker
from tests.world import log_in

FACTS = ("project", "organisation_name", "funding_source", "responsible_member")


def facts(view: dict) -> tuple:
    return tuple(view[k] for k in FACTS)


def where(view: dict) -> tuple:
    return view["status"], view["status_name"], view["stage"]


def test_a_demand_goes_through_the_five_steps_and_is_rated(client, world):
    c = cast(client, world)
    made = order(client, c.me, world.home)
    assert made.status_code == 201, made.json
    demand = made.json["id"]
    assert where(made.json) == ("submitted", "待下单", "群众点单") and made.json["held"] is False
    assert public(client, demand).status_code == 404  # not dispatched: nothing public yet
    assert told(c.resident) == []

    dispatched = dispatch(client, c.staff, demand, c.organisation.id)
    assert dispatched.status_code == 200, dispatched.json
    view = mine(client, c.me, demand)
    assert where(view) == ("dispatched", "待接单", "社区下单")
    expected = ("楼道扶手维修", "火炬路为老服务中心", "社区党组织服务群众经费", "李建国")
    assert facts(view) == expected and view["deadline"] == "2026-12-20"
    shown = public(client, demand)
    assert shown.status_code == 200 and facts(shown.json) == expected
    assert shown.json["stage"] == "社区下单" and shown.json["rating"] is None
    assert [p["action_name"] for p in shown.json["progress"]] == ["群众点单", "社区下单"]
    assert [m["phrase2"]["value"] for m in told(c.resident)] == ["待接单"]

    accepted = step(client, c.worker, demand, "accept", step="dispatched")
    assert accepted.status_code == 200, accepted.json
    assert where(mine(client, c.me, demand)) == ("accepted", "办理中", "组织接单")
    assert public(client, demand).json["stage"] == "组织接单"
    assert told(c.resident)[-1]["phrase2"]["value"] == "办理中"

    supervised = step(client, c.supervisor, demand, "supervise", comment="请于本周内完成")
    assert supervised.status_code == 200, supervised.json
    view = mine(client, c.me, demand)
    assert where(view) == ("accepted", "办理中", "组织接单")
    assert view["timeline"][-1]["action_name"] == "监委会督单" and view["timeline"][-1]["by"] == "社区管理员"
    assert len(told(c.resident)) == 2  # a comment changes no step: nothing sent

    done = report_done(client, c.worker, demand)
    assert done.status_code == 200, done.json
    view = mine(client, c.me, demand)
    assert where(view) == ("done", "待验单", "街道验单")
    assert [(f["kind"], f["name"]) for f in view["files"]] == [("evidence", "现场.png")]
    assert client.get(view["files"][0]["url"], headers=c.me).status_code == 200
    assert public(client, demand).json["stage"] == "街道验单"
    assert told(c.resident)[-1]["phrase2"]["value"] == "待验单"

    verified = step(client, c.street, demand, "verify", step="done", note="现场查看，扶手已更换")
    assert verified.status_code == 200, verified.json
    assert where(mine(client, c.me, demand)) == ("verified", "待评价", "群众评单")
    assert public(client, demand).json["stage"] == "群众评单"
    assert told(c.resident)[-1]["phrase2"]["value"] == "待评价"

    rated = client.post(
        f"{SERVICES}/demands/{demand}/rating", json={"rating": 5, "comment": "维修及时"}, headers=c.me
    )
    assert rated.status_code == 200, rated.json
    assert where(rated.json) == ("rated", "已评价", "已办结") and rated.json["rating"] == 5
    shown = public(client, demand).json
    assert shown["rating"] == 5 and shown["stage"] == "已办结"
    assert [p["action_name"] for p in shown["progress"]] == [
        "群众点单",
        "社区下单",
        "组织接单",
        "监委会督单",
        "组织报结",
        "街道验单",
        "群众评价",
    ]
    listed = client.get(f"{SERVICES}/demands/public?community_id={world.home.id}").json["items"]
    item = next(i for i in listed if i["id"] == demand)
    assert facts(item) == facts(shown) and item["latest_step"]["action_name"] == "群众评价"
    assert "progress" not in item  # the list names the latest step; the whole progress is in the view
    view = mine(client, c.me, demand)
    assert [(t["action_name"], t["by"]) for t in view["timeline"]] == [
        ("群众点单", "居民"),
        ("社区下单", "社区工作人员"),
        ("组织接单", "火炬路为老服务中心"),
        ("监委会督单", "社区管理员"),
        ("组织报结", "火炬路为老服务中心"),
        ("街道验单", "街道管理员"),
        ("群众评价", "居民"),
    ]
    text = json.dumps(view, ensure_ascii=False)
    assert "weilao-worker" not in text and "u-community_staff" not in text  # never an account
    assert [m["phrase2"]["value"] for m in told(c.resident)] == ["待接单", "办理中", "待验单", "待评价"]
    listed = client.get(f"{SERVICES}/demands/mine", headers=c.me).json["items"]
    assert [(i["id"], i["status_name"], i["stage"]) for i in listed] == [(demand, "已评价", "已办结")]


def test_a_declined_demand_is_dispatched_afresh_sent_back_and_reopened(client, world):
    c = cast(client, world)
    volunteers = make_organisation(world.home, "火炬路志愿服务队")
    org_worker(volunteers, "zhiyuan-worker")
    other = log_in(client, "zhiyuan-worker")
    demand = order(client, c.me, world.home).json["id"]

    assert dispatch(client, c.staff, demand, c.organisation.id).status_code == 200
    declined = step(client, c.worker, demand, "decline", step="dispatched", reason="本月人手不足")
    assert declined.status_code == 200, declined.json
    view = mine(client, c.me, demand)
    assert where(view) == ("submitted", "待下单", "群众点单") and view["organisation_name"] is None
    assert view["timeline"][-1]["note"] == "本月人手不足"
    assert public(client, demand).status_code == 404  # back to dispatch: not public
    assert told(c.resident)[-1]["phrase2"]["value"] == "待下单"
    assert client.get("/api/v1/staff/org/demands", headers=c.worker).json["items"] == []

    again = dispatch(client, c.staff, demand, volunteers.id, project="扶手加固")
    assert again.status_code == 200, again.json
    shown = public(client, demand).json
    assert shown["organisation_name"] == "火炬路志愿服务队" and shown["project"] == "扶手加固"
    assert step(client, other, demand, "accept", step="dispatched").status_code == 200
    assert report_done(client, other, demand, "已维修").status_code == 200

    sent_back = step(client, c.street, demand, "send-back", step="done", reason="扶手仍有晃动")
    assert sent_back.status_code == 200, sent_back.json
    view = mine(client, c.me, demand)
    assert where(view) == ("accepted", "办理中", "组织接单")
    assert view["timeline"][-1]["action_name"] == "街道退回重办"
    assert public(client, demand).json["stage"] == "组织接单"
    assert told(c.resident)[-1]["phrase2"]["value"] == "办理中"

    assert report_done(client, other, demand, "已加固").status_code == 200
    assert step(client, c.street, demand, "verify", step="done").status_code == 200
    reopened = client.post(
        f"{SERVICES}/demands/{demand}/reopen", json={"reason": "雨天仍然松动"}, headers=c.me
    )
    assert reopened.status_code == 200, reopened.json
    assert where(reopened.json) == ("submitted", "待下单", "群众点单") and reopened.json["reopened"] is True
    assert reopened.json["timeline"][-1]["action_name"] == "群众认为未解决，重新办理"
    assert public(client, demand).status_code == 404
    assert [m["phrase2"]["value"] for m in told(c.resident)] == [
        "待接单",
        "待下单",
        "待接单",
        "办理中",
        "待验单",
        "办理中",
        "待验单",
        "待评价",
    ]
    by = [t["by"] for t in reopened.json["timeline"]]
    assert by == [
        "居民",
        "社区工作人员",
        "火炬路为老服务中心",
        "社区工作人员",
        "火炬路志愿服务队",
        "火炬路志愿服务队",
        "街道管理员",
        "火炬路志愿服务队",
        "街道管理员",
        "居民",
    ]


def test_staff_find_the_organisations_serving_a_community(client, world):
    c = cast(client, world)
    make_organisation(world.elsewhere, "外区服务中心")
    url = f"/api/v1/staff/organisations?community_id={world.home.id}"
    listed = client.get(url, headers=c.staff).json["items"]
    assert [(o["id"], o["name"], o["kind_name"]) for o in listed] == [
        (c.organisation.id, "火炬路为老服务中心", "社区社会组织")
    ]
    there = f"/api/v1/staff/organisations?community_id={world.elsewhere.id}"
    assert client.get(there, headers=c.staff).json["items"] == []  # not the caller's community
    assert client.get(url, headers=c.me).status_code == 403


def test_each_public_demand_shows_its_own_latest_step_on_every_page(client, world):
    c = cast(client, world)
    made = {
        status: made_at(client, world, c, status) for status in ("dispatched", "accepted", "done", "rated")
    }
    listed, cursor = [], None
    while True:
        url = f"{SERVICES}/demands/public?community_id={world.home.id}&limit=3"
        page = client.get(url + (f"&cursor={cursor}" if cursor else "")).json
        listed += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    latest = {item["id"]: item["latest_step"]["action_name"] for item in listed}
    assert latest == {
        made["rated"]: "群众评价",
        made["done"]: "组织报结",
        made["accepted"]: "组织接单",
        made["dispatched"]: "社区下单",
    }
    for item in listed:
        assert item["latest_step"] == public(client, item["id"]).json["progress"][-1]
