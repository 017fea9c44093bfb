"""Mini-program login through wechatpy against the stand-in; tokens, expiry, logout."""

from datetime import timedelta

import requests
import time_machine
from sqlalchemy import func, select

from cloudplatform.clock import now
from cloudplatform.identity.models import LoginToken, User
from tests.world import fresh_code, log_in, wechat_user


def script_failure(standin, path, errcode, times=1):
    requests.post(
        standin + "_standin/failures", json={"path": path, "errcode": errcode, "times": times}, timeout=5
    ).raise_for_status()


def user_count(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_first_login_creates_the_user_and_returns_a_token(client, db):
    response = client.post("/api/v1/auth/login", json={"code": fresh_code("alice")})
    assert response.status_code == 200
    body = response.json
    assert len(body["token"]) >= 43  # 256 bits, url-safe
    assert body["user"]["id"] == db.session.scalar(select(User.id))
    assert "session_key" not in response.get_data(as_text=True)


def test_second_login_finds_the_same_user(client, db):
    first = client.post("/api/v1/auth/login", json={"code": fresh_code("alice")}).json
    second = client.post("/api/v1/auth/login", json={"code": fresh_code("alice")}).json
    assert first["user"]["id"] == second["user"]["id"]
    assert first["token"] != second["token"]
    assert user_count(db) == 1


def test_session_key_is_kept_server_side(client, db):
    client.post("/api/v1/auth/login", json={"code": fresh_code("alice")})
    assert db.session.scalar(select(User.session_key))


def test_only_the_token_hash_is_stored(client, db):
    token = client.post("/api/v1/auth/login", json={"code": fresh_code("alice")}).json["token"]
    stored = db.session.scalar(select(LoginToken.token_hash))
    assert stored != token
    assert len(stored) == 64


def test_invalid_code_is_401_and_creates_nothing(client, db):
    response = client.post("/api/v1/auth/login", json={"code": "not-a-real-code"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "WECHAT_CODE_INVALID"
    assert user_count(db) == 0


def test_rate_limited_by_wechat_is_429(client, standin, db):
    script_failure(standin, "sns/jscode2session", 45011)
    response = client.post("/api/v1/auth/login", json={"code": fresh_code("alice")})
    assert response.status_code == 429
    assert response.json["error"]["code"] == "WECHAT_RATE_LIMITED"
    assert response.headers["Retry-After"] == "60"


def test_high_risk_user_is_403(client, standin, db):
    script_failure(standin, "sns/jscode2session", 40226)
    response = client.post("/api/v1/auth/login", json={"code": fresh_code("alice")})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "WECHAT_USER_RISKY"
    assert user_count(db) == 0


def test_wechat_busy_twice_is_503(client, standin):
    script_failure(standin, "sns/jscode2session", -1, times=2)
    response = client.post("/api/v1/auth/login", json={"code": fresh_code("alice")})
    assert response.status_code == 503
    assert response.json["error"]["code"] == "WECHAT_UNAVAILABLE"


def test_wechat_busy_once_is_retried(client, standin):
    script_failure(standin, "sns/jscode2session", -1, times=1)
    assert client.post("/api/v1/auth/login", json={"code": fresh_code("alice")}).status_code == 200


def test_missing_code_is_422(client):
    response = client.post("/api/v1/auth/login", json={})
    assert response.status_code == 422
    assert response.json["error"]["details"]["fields"] == {"code": ["此项必填"]}


def test_oversize_code_is_422(client):
    assert client.post("/api/v1/auth/login", json={"code": "x" * 500}).status_code == 422


def test_me_needs_a_token(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "TOKEN_MISSING"


def test_forged_token_is_401(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer forged-token-value"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "TOKEN_INVALID"


def test_me_shows_the_caller(client, db):
    headers = log_in(client, "alice")
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.json["communities"] == []
    assert response.json["staff"] is None


def test_token_expires(client, app):
    headers = log_in(client, "alice")
    ttl = timedelta(hours=app.config["LOGIN_TOKEN_TTL_HOURS"])
    with time_machine.travel(now() + ttl + timedelta(minutes=1), tick=False):
        assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_logout_revokes_the_token(client):
    headers = log_in(client, "alice")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_token_of_a_deleted_user_is_401(client, db):
    headers = log_in(client, "alice")
    user = db.session.scalar(select(User))
    user.deleted_at = now()
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_deleted_user_cannot_log_in_again(client, db):
    wechat_user("alice", deleted_at=now())
    response = client.post("/api/v1/auth/login", json={"code": fresh_code("alice")})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "ACCOUNT_DELETED"


def test_login_is_rate_limited_per_address(client, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    statuses = [
        client.post("/api/v1/auth/login", json={"code": fresh_code(f"u{i}")}).status_code for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_rate_limit_answer_says_when_the_window_resets(client, app):
    app.config["LOGIN_RATE_LIMIT"] = "1 per hour"
    allowed = client.post("/api/v1/auth/login", json={"code": fresh_code("a")})
    assert not any(name.startswith("X-RateLimit") for name in dict(allowed.headers))
    response = client.post("/api/v1/auth/login", json={"code": fresh_code("b")})
    assert response.json["error"]["code"] == "RATE_LIMITED"
    assert 3500 < int(response.headers["Retry-After"]) <= 3601  # the hour's window (its reset rounded up)


def test_reused_code_is_401(client, db):
    client.post("/api/v1/auth/login", json={"code": "dev:alice:once"})
    response = client.post("/api/v1/auth/login", json={"code": "dev:alice:once"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "WECHAT_CODE_USED"
