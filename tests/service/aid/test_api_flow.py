"""A case goes end to end through the API: applied for with an uploaded material, materials requested and
completed, accepted, visited, 公示 with a neighbour's objection answered, forwarded once 公示 is over and
granted by the street; the applicant sees every step and is told of each staff step."""

import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER, STREET_ADMIN
from cloudplatform.notify.models import Notification
from tests.service.aid.api_fixtures import apply, decide, resident_headers, staff_headers, upload, visit
from tests.service.aid.fixtures import categories, png_bytes
from tests.world import log_in


def test_a_case_goes_through_the_api_from_application_to_grant(client, world, clock):
    medical = categories()["medical"]
    applicant, me = resident_headers(client, world, "李桂芳")
    _, neighbour = resident_headers(client, world, "赵大爷", room="2-202")
    grid, street = staff_headers(client, GRID_WORKER), staff_headers(client, STREET_ADMIN)

    material = upload(client, me)
    assert material.status_code == 201, material.json
    assert material.json["content_type"] == "image/png" and material.json["name"] == "身份证.png"
    made = apply(client, me, world, medical, [(material.json["id"], "身份证")])
    assert made.status_code == 201, made.json
    case = made.json["id"]
    assert made.json["status"] == "submitted" and made.json["status_name"] == "待受理"

    asked = decide(client, grid, case, "request_materials", "submitted", missing=["诊断证明", "医疗费用票据"])
    assert asked.status_code == 200, asked.json
    mine = client.get(f"/api/v1/services/aid-applications/{case}", headers=me).json
    assert mine["status"] == "incomplete" and mine["missing"] == ["诊断证明", "医疗费用票据"]

    more = upload(client, me, png_bytes("blue"), "诊断证明.png").json["id"]
    again = client.post(
        f"/api/v1/services/aid-applications/{case}/resubmit",
        json={"materials": [{"upload_id": more, "material": "诊断证明"}], "note": "已补充"},
        headers=me,
    )
    assert again.status_code == 200, again.json
    assert again.json["status"] == "submitted" and again.json["missing"] == []
    assert len(again.json["files"]) == 2

    assert decide(client, grid, case, "accept", "submitted").status_code == 200
    visited = visit(client, grid, case, photos=[("现场.png", png_bytes("green"))])
    assert visited.status_code == 200, visited.json
    assert [f["kind"] for f in visited.json["files"]] == ["material", "material", "visit_photo"]
    shown = decide(client, grid, case, "publicize", "review", proposed_amount=200000)
    assert shown.status_code == 200, shown.json

    public = client.get(f"/api/v1/services/aid-publicity?community_id={world.home.id}").json["items"]
    assert [(p["id"], p["applicant_name"], p["proposed_amount"]) for p in public] == [(case, "李**", 200000)]
    objected = client.post(
        f"/api/v1/services/aid-publicity/{case}/objections",
        json={"content": "申请人家中有门面房出租"},
        headers=neighbour,
    )
    assert objected.status_code == 201, objected.json
    early = decide(client, grid, case, "forward", "publicity")
    assert early.status_code == 409 and early.json["error"]["code"] == "AID_PUBLICITY_NOT_OVER"

    clock.shift(86400 * 7)  # 公示 is over (and the week-old tokens with it)
    grid, street = staff_headers(client, GRID_WORKER), staff_headers(client, STREET_ADMIN)
    me, neighbour = log_in(client, "李桂芳"), log_in(client, "赵大爷")
    unanswered = decide(client, grid, case, "forward", "publicity")
    assert unanswered.json["error"]["code"] == "AID_OBJECTIONS_UNANSWERED"
    answered = client.post(
        f"/api/v1/staff/aid-applications/{case}/objections/{objected.json['id']}/answer",
        json={"answer": "经核查门面房已于去年出售"},
        headers=grid,
    )
    assert answered.status_code == 200 and answered.json["answer"] == "经核查门面房已于去年出售"
    assert decide(client, grid, case, "forward", "publicity").status_code == 200
    granted = decide(client, street, case, "grant", "street_review", amount=200000, items="米面油")
    assert granted.status_code == 200, granted.json
    assert granted.json["status"] == "granted" and granted.json["granted_amount"] == 200000

    mine = client.get(f"/api/v1/services/aid-applications/{case}", headers=me).json
    assert [h["action_name"] for h in mine["history"]] == [
        "提交申请",
        "要求补正材料",
        "补正材料后重新提交",
        "社区受理",
        "入户核查",
        "进入公示",
        "报街道审批",
        "批准救助",
    ]
    by = [h["by"] for h in mine["history"]]
    assert by == ["申请人", "网格员", "申请人", "网格员", "网格员", "网格员", "网格员", "街道管理员"]
    assert mine["objection_count"] == 1 and "objections" not in mine
    assert "赵大爷" not in str(mine) and "u-grid_worker" not in str(mine)
    listed = client.get("/api/v1/services/aid-applications/mine", headers=me).json["items"]
    assert [(i["id"], i["status_name"], i["category_name"]) for i in listed] == [(case, "已批准", "医疗救助")]

    told = _db.session.scalars(sa.select(Notification).where(Notification.user_id == applicant.id)).all()
    steps = [m.data["phrase2"]["value"] for m in told]
    assert steps == ["待补正材料", "社区审核", "公示中", "街道审批", "已批准"]

    for item in mine["files"]:
        got = client.get(item["url"], headers=me)
        assert got.status_code == 200 and got.headers["Content-Type"].startswith("image/png")
        staff_url = item["url"].replace("/services/", "/staff/")
        assert client.get(staff_url, headers=street).status_code == 200
    assert client.get(mine["files"][0]["url"], headers=neighbour).status_code == 404
