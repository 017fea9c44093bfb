"""The outbox: one consent per message, skipped without one, retried with backoff, failed after N."""

from datetime import timedelta

import pytest
import requests
import time_machine
from sqlalchemy import select

from cloudplatform.clock import now
from cloudplatform.extensions import db as _db
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.notify.models import Notification, SubscriptionConsent
from cloudplatform.notify.operations import MAX_ATTEMPTS, notify
from cloudplatform.wechat.standin import openid_for
from tests.standin import STANDIN_APPID
from tests.world import log_in, wechat_user

DELIVER = next(job for job in JOBS if job.id == "deliver_outbox")


@pytest.fixture
def user(db):
    return wechat_user("alice")


def queue(user, key="residency_result"):
    notify(user, key, {"thing1": {"value": "火炬路社区"}}, page="pages/me/residency")
    _db.session.commit()


def consent(client, keys):
    return client.post(
        "/api/v1/me/subscriptions", json={"template_keys": keys}, headers=log_in(client, "alice")
    )


def sent_messages(standin):
    return requests.get(standin + "_standin/messages", timeout=5).json()["items"]


def status(db):
    db.session.commit()
    return db.session.scalar(select(Notification.status))


def test_consents_add_up(client, user):
    consent(client, ["residency_result"])
    response = consent(client, ["residency_result", "booking_reminder"])
    assert response.json["consents"] == {"residency_result": 2, "booking_reminder": 1}


def test_unknown_template_is_refused(client, user, db):
    response = consent(client, ["nope"])
    assert response.status_code == 422
    assert response.json["error"]["code"] == "UNKNOWN_TEMPLATE"
    assert db.session.scalar(select(SubscriptionConsent)) is None


def test_message_with_consent_is_sent_once(app, client, user, db, standin):
    consent(client, ["residency_result"])
    queue(user)
    run_job(app, DELIVER)
    run_job(app, DELIVER)
    messages = sent_messages(standin)
    assert [(m["touser"], m["template_id"]) for m in messages] == [
        (openid_for(STANDIN_APPID, "alice"), app.config["WECHAT_TEMPLATES"]["residency_result"])
    ]
    assert status(db) == "sent"
    assert db.session.scalar(select(SubscriptionConsent.remaining)) == 0


def test_message_without_consent_is_skipped(app, user, db, standin):
    queue(user)
    assert run_job(app, DELIVER)["skipped"] == 1
    assert status(db) == "skipped"
    assert sent_messages(standin) == []


def test_one_consent_covers_one_message(app, client, user, db, standin):
    consent(client, ["residency_result"])
    queue(user)
    queue(user)
    assert run_job(app, DELIVER) == {"sent": 1, "skipped": 1, "pending": 0, "failed": 0}


def test_wechat_failure_is_retried_later_and_keeps_the_consent(app, client, user, db, standin):
    consent(client, ["residency_result"])
    queue(user)
    requests.post(
        standin + "_standin/failures",
        json={"path": "cgi-bin/message/subscribe/send", "errcode": 45011, "times": 1},
        timeout=5,
    )
    run_job(app, DELIVER)
    assert status(db) == "pending"
    assert db.session.scalar(select(SubscriptionConsent.remaining)) == 1
    run_job(app, DELIVER)  # not due yet: backoff
    assert sent_messages(standin) == []
    with time_machine.travel(now() + timedelta(minutes=3), tick=False):
        run_job(app, DELIVER)
    assert status(db) == "sent"


def test_message_fails_after_the_last_attempt(app, client, user, db, standin):
    consent(client, ["residency_result"])
    queue(user)
    requests.post(
        standin + "_standin/failures",
        json={"path": "cgi-bin/message/subscribe/send", "errcode": -1, "times": 100},
        timeout=5,
    )
    moment = now()
    for _ in range(MAX_ATTEMPTS):
        moment += timedelta(days=1)
        with time_machine.travel(moment, tick=False):
            run_job(app, DELIVER)
    message = db.session.scalar(select(Notification))
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)


def test_consent_used_up_at_wechat_is_skipped(app, client, user, db, standin):
    consent(client, ["residency_result"])
    queue(user)
    requests.post(
        standin + "_standin/failures",
        json={"path": "cgi-bin/message/subscribe/send", "errcode": 43101, "times": 1},
        timeout=5,
    )
    run_job(app, DELIVER)
    assert status(db) == "skipped"
