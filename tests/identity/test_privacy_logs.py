"""No log line carries a token, session_key, the app secret or a full phone number."""

import logging

import requests
from sqlalchemy import select

from cloudplatform.identity.models import User
from tests.standin import STANDIN_SECRET
from tests.world import fresh_code


def test_logs_hold_no_secrets(client, db, app, standin, caplog):
    caplog.set_level(logging.DEBUG)
    requests.post(standin + "_standin/expire-tokens", timeout=5)
    code = fresh_code("alice")
    login = client.post("/api/v1/auth/login", json={"code": code}).json
    headers = {"Authorization": f"Bearer {login['token']}"}
    client.post("/api/v1/me/phone", json={"code": "phone:13800001234"}, headers=headers)
    client.post("/api/v1/me/subscriptions", json={"template_keys": ["residency_result"]}, headers=headers)
    client.get("/api/v1/me", headers={"Authorization": "Bearer forged"})
    session_key = db.session.scalar(select(User.session_key))
    text = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert caplog.records  # something was logged (werkzeug, urllib3, our own)
    for secret in (login["token"], session_key, STANDIN_SECRET, "13800001234", code, "phone:1380000"):
        assert secret not in text
