"""The ID number never leaves the API in full except through POST .../id-number, which the audit log
records; the full record is audited too; the lists and the application take at most 4 statements."""

import json

import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER, STREET_ADMIN
from cloudplatform.service import workdays
from tests.helpers import count_queries
from tests.service.aid.api_fixtures import (
    apply,
    apply_body,
    decide,
    resident_headers,
    staff_headers,
    upload,
    visit,
)
from tests.service.aid.fixtures import ID_NUMBER, categories


def views(action: str) -> list[AuditEntry]:
    _db.session.expire_all()
    return list(_db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def a_case_in_publicity(client, world):
    medical = categories()["medical"]
    _, me = resident_headers(client, world, "李桂芳")
    material = upload(client, me).json["id"]
    case = apply(client, me, world, medical, [(material, "身份证")]).json["id"]
    grid = staff_headers(client, GRID_WORKER)
    decide(client, grid, case, "accept", "submitted")
    visit(client, grid, case)
    assert decide(client, grid, case, "publicize", "review", proposed_amount=1000).status_code == 200
    return case, me, grid


def test_the_id_number_is_shown_only_by_the_audited_reveal(client, world):
    case, me, grid = a_case_in_publicity(client, world)
    street = staff_headers(client, STREET_ADMIN)
    responses = [
        client.get("/api/v1/services/aid-applications/mine", headers=me),
        client.get(f"/api/v1/services/aid-applications/{case}", headers=me),
        client.get(f"/api/v1/services/aid-publicity?community_id={world.home.id}"),
        client.get("/api/v1/staff/aid-applications", headers=grid),
        client.get(
            f"/api/v1/staff/aid-applications?status=publicity&community_id={world.home.id}", headers=street
        ),
        client.get(f"/api/v1/staff/aid-applications/{case}", headers=grid),
        decide(client, grid, case, "accept", "publicity"),  # refused: the envelope says nothing either
    ]
    for response in responses:
        text = json.dumps(response.json, ensure_ascii=False)
        assert ID_NUMBER not in text and ID_NUMBER[6:14] not in text, response.request.path
    assert responses[1].json["id_number"] == "6103**********1232"
    staff_items = responses[3].json["items"]
    assert [(i["applicant_name"], i["phone"], i["id_number"]) for i in staff_items] == [
        ("李**", "138****1234", "6103**********1232")
    ]
    assert "李桂芳" not in json.dumps(responses[2].json, ensure_ascii=False)
    assert "1-101" not in json.dumps(responses[2].json, ensure_ascii=False)  # the building, not the room
    assert [v.actor_id for v in views("aid_application.view")] == [world.staff[GRID_WORKER].id]  # the open

    revealed = client.post(
        f"/api/v1/staff/aid-applications/{case}/id-number", json={"purpose": "核对身份"}, headers=grid
    )
    assert revealed.status_code == 200 and revealed.json == {"id_number": ID_NUMBER}
    logged = views("aid_application.view")
    assert len(logged) == 2 and logged[-1].details["purpose"] == "核对身份"
    assert ID_NUMBER not in json.dumps([entry.details for entry in logged], ensure_ascii=False)


def test_a_resident_cannot_reveal_and_a_refused_reveal_is_not_logged(client, world):
    case, me, _ = a_case_in_publicity(client, world)
    refused = client.post(
        f"/api/v1/staff/aid-applications/{case}/id-number", json={"purpose": "看看"}, headers=me
    )
    assert refused.status_code == 403 and ID_NUMBER not in refused.get_data(as_text=True)
    assert views("aid_application.view") == []


def test_the_lists_and_the_application_take_at_most_four_statements(app, client, world):
    case, me, grid = a_case_in_publicity(client, world)
    with app.app_context():
        workdays.forget()
    client.get("/api/v1/staff/aid-applications", headers=grid)  # the holiday calendar, cached per process
    medical = categories()["education"]
    material = upload(client, me).json["id"]
    lists = {
        "mine": ("/api/v1/services/aid-applications/mine", me),
        "queue": ("/api/v1/staff/aid-applications", grid),
        "publicity": (f"/api/v1/services/aid-publicity?community_id={world.home.id}", {}),
    }
    for name, (url, headers) in lists.items():
        with count_queries(app) as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200 and response.json["items"], name
        assert len(statements) <= 4, (name, statements)
    body = apply_body(world, medical, [(material, "身份证")])
    with count_queries(app) as statements:
        made = client.post("/api/v1/services/aid-applications", json=body, headers=me)
    assert made.status_code == 201, made.json
    assert len(statements) <= 4, "\n".join(s[:60] for s in statements)
    assert case


def test_the_public_list_is_rate_limited_and_ends_with_the_period(client, app, world, clock):
    case, _, _ = a_case_in_publicity(client, world)
    url = f"/api/v1/services/aid-publicity?community_id={world.home.id}"
    assert [i["id"] for i in client.get(url).json["items"]] == [case]
    clock.shift(86400 * 7)  # the period (7 days) is over
    assert client.get(url).json["items"] == []
    app.config["PUBLIC_RATE_LIMIT"] = "2 per minute"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
