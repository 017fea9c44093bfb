from sqlalchemy import select

from cloudplatform.identity.models import User
from tests.world import log_in


def test_phone_is_bound_and_shown_masked(client, db):
    headers = log_in(client, "alice")
    response = client.post("/api/v1/me/phone", json={"code": "phone:13800001234"}, headers=headers)
    assert response.status_code == 200
    assert response.json == {"phone": "138****1234"}
    assert client.get("/api/v1/me", headers=headers).json["phone"] == "138****1234"
    assert db.session.scalar(select(User.phone)) == "13800001234"


def test_replayed_phone_code_is_refused_and_changes_nothing(client, db):
    headers = log_in(client, "alice")
    client.post("/api/v1/me/phone", json={"code": "phone:13800001234"}, headers=headers)
    db.session.scalars(select(User)).one().phone = None
    db.session.commit()
    response = client.post("/api/v1/me/phone", json={"code": "phone:13800001234"}, headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "PHONE_CODE_INVALID"
    assert db.session.scalar(select(User.phone)) is None


def test_phone_binding_is_rate_limited_per_user(client, app):
    app.config["PHONE_RATE_LIMIT"] = "2 per hour"
    headers = log_in(client, "alice")
    codes = ["phone:13800000001", "phone:13800000002", "phone:13800000003"]
    statuses = [client.post("/api/v1/me/phone", json={"code": c}, headers=headers).status_code for c in codes]
    assert statuses == [200, 200, 429]


def test_foreign_phone_is_stored_with_its_country_code(client, db):
    headers = log_in(client, "alice")
    response = client.post("/api/v1/me/phone", json={"code": "phone:+852-61234567"}, headers=headers)
    assert response.status_code == 200
    assert db.session.scalar(select(User.phone)) == "+85261234567"
    assert response.json["phone"].endswith("4567") and "6123" not in response.json["phone"]
