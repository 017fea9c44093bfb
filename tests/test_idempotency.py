"""Idempotency-Key: a retried POST does its work once and answers the same."""

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import now
from cloudplatform.idempotency import IdempotencyKey, request_fingerprint
from cloudplatform.jobs import JOBS, run_job
from tests.echo import register_echo

URL = "/api/v1/test/echo"


def audit_count(db):
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.fixture
def echo_app(app):
    register_echo(app)
    return app


def post(client, body, key="key-1"):
    return client.post(URL, json=body, headers={"Idempotency-Key": key})


def test_replay_returns_first_answer_without_doing_the_work_again(echo_app, client, db):
    first = post(client, {"name": "李四"})
    second = post(client, {"name": "李四"})
    assert first.status_code == second.status_code == 201
    assert second.json == first.json
    assert second.headers["Idempotent-Replayed"] == "true"
    assert audit_count(db) == 1


def test_other_key_does_the_work_again(echo_app, client, db):
    post(client, {"name": "李四"}, key="a")
    post(client, {"name": "李四"}, key="b")
    assert audit_count(db) == 2


def test_same_key_with_other_body_is_refused(echo_app, client, db):
    post(client, {"name": "李四"})
    response = post(client, {"name": "王五"})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert audit_count(db) == 1


def test_client_error_is_remembered_and_replayed(echo_app, client, db):
    first = post(client, {"name": "李四", "fail": "conflict"})
    second = post(client, {"name": "李四", "fail": "conflict"})
    assert first.status_code == second.status_code == 409
    assert second.json == first.json
    assert audit_count(db) == 0


def test_server_error_frees_the_key_for_a_retry(echo_app, client, db):
    echo_app.config["PROPAGATE_EXCEPTIONS"] = False
    assert post(client, {"name": "李四", "fail": "crash"}).status_code == 500
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    assert post(client, {"name": "李四", "fail": "crash"}).status_code == 500


def test_overlong_key_is_refused(echo_app, client, db):
    response = post(client, {"name": "李四"}, key="k" * 256)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "INVALID_IDEMPOTENCY_KEY"
    assert audit_count(db) == 0


def test_second_request_while_first_runs_gets_409(app, db):
    entered, release = threading.Event(), threading.Event()

    def hold():
        entered.set()
        release.wait(10)

    register_echo(app, hook=hold)
    results = {}

    def first():
        results["first"] = post(app.test_client(), {"name": "李四"})

    thread = threading.Thread(target=first)
    thread.start()
    assert entered.wait(10)
    try:
        results["second"] = post(app.test_client(), {"name": "李四"})
    finally:
        release.set()
        thread.join(10)
    assert results["second"].status_code == 409
    assert results["second"].json["error"]["code"] == "IDEMPOTENCY_IN_PROGRESS"
    assert results["first"].status_code == 201
    assert audit_count(db) == 1


def test_a_key_left_in_flight_by_a_request_that_is_gone(echo_app, client, db, backend):
    """Its worker was killed or its connection lost before it could answer: on PostgreSQL the retry
    finds the key's lock free and does the work at once; on SQLite it waits ``ABANDONED_AFTER`` out."""
    with echo_app.test_request_context(URL, method="POST", json={"name": "李四"}):
        fingerprint = request_fingerprint()
    db.session.add(
        IdempotencyKey(
            actor="ip:127.0.0.1",
            key="key-1",
            request_hash=fingerprint,
            in_flight=True,
            expires_at=now() + timedelta(days=1),
        )
    )
    db.session.commit()
    retried = post(client, {"name": "李四"})
    if backend == "sqlite":
        assert retried.status_code == 409
        with time_machine.travel(now() + timedelta(minutes=11), tick=False):
            retried = post(client, {"name": "李四"})
    assert retried.status_code == 201
    assert audit_count(db) == 1
    assert post(client, {"name": "李四"}).headers["Idempotent-Replayed"] == "true"


def test_key_expires_after_its_lifetime(echo_app, client, db):
    post(client, {"name": "李四"})
    with time_machine.travel(now() + timedelta(hours=25), tick=False):
        response = post(client, {"name": "李四"})
    assert "Idempotent-Replayed" not in response.headers
    assert audit_count(db) == 2


def test_prune_job_deletes_only_expired_keys(echo_app, client, db):
    post(client, {"name": "老"}, key="old")
    with time_machine.travel(now() + timedelta(hours=20), tick=False):
        post(client, {"name": "新"}, key="new")
    prune = next(job for job in JOBS if job.id == "prune_idempotency_keys")
    with time_machine.travel(now() + timedelta(hours=25), tick=False):
        assert run_job(echo_app, prune) == 1
        assert run_job(echo_app, prune) == 0  # safe to run twice
    assert db.session.scalars(select(IdempotencyKey.key)).all() == ["new"]
