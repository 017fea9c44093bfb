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
from tests.factories import UserFactory
from tests.standin import STANDIN_APPID
from tests.world import log_in, wechat_user

DELIVER = next(job for job in JOBS if job.id == "deliver_outbox")


@pytest.fixture
def user(db):
    return wechat_user("alice")


RESIDENCY_VALUES = {"thing1": "火炬路社区", "phrase2": "已通过", "thing3": "欢迎使用社区云平台"}


def queue(user, key="residency_result"):
    notify(user, key, RESIDENCY_VALUES, page="pages/me/residency")
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


def failing(standin, errcode, times=1):
    requests.post(
        standin + "_standin/failures",
        json={"path": "cgi-bin/message/subscribe/send", "errcode": errcode, "times": times},
        timeout=5,
    ).raise_for_status()


def standin_calls(standin):
    stats = requests.get(standin + "_standin/stats", timeout=5).json()
    return stats["calls"].get("cgi-bin/message/subscribe/send", 0)


def test_a_message_wechat_refuses_fails_at_once_with_its_errcode(app, client, user, db, standin):
    consent(client, ["residency_result"])
    notify(user, "residency_result", {**RESIDENCY_VALUES, "phrase2": "OK"}, page="pages/me/residency")
    db.session.commit()

    assert run_job(app, DELIVER)["failed"] == 1
    message = db.session.scalar(select(Notification))
    assert (message.status, message.attempts, message.errcode) == ("failed", 1, 47003)
    assert "data.phrase2.value" in message.last_error
    assert db.session.scalar(select(SubscriptionConsent.remaining)) == 1  # not spent on a refused message
    with time_machine.travel(now() + timedelta(days=1), tick=False):
        run_job(app, DELIVER)
    assert standin_calls(standin) == 1  # never tried again
    assert sent_messages(standin) == []


def test_a_template_id_wechat_does_not_know_fails_at_once_with_40037(app, client, user, db, standin):
    app.config["WECHAT_TEMPLATES"] = {**app.config["WECHAT_TEMPLATES"], "residency_result": "tmpl-typo"}
    consent(client, ["residency_result"])
    queue(user)

    run_job(app, DELIVER)

    message = db.session.scalar(select(Notification))
    assert (message.status, message.errcode, message.errcode_meaning) == (
        "failed",
        40037,
        "订阅消息模板 ID 无效",
    )


def test_a_user_unknown_to_wechat_fails_at_once_with_40003(app, db, standin):
    stranger = UserFactory(openid="o-made-up-not-a-wechat-user")
    _db.session.add(SubscriptionConsent(user_id=stranger.id, template_key="residency_result", remaining=1))
    queue(stranger)

    run_job(app, DELIVER)

    message = db.session.scalar(select(Notification))
    assert (message.status, message.attempts, message.errcode) == ("failed", 1, 40003)


@pytest.mark.parametrize("errcode", [-1, "http_error", 45011], ids=["busy", "http-5xx", "rate-limited"])
def test_an_outage_is_retried_with_its_errcode_noted(app, client, user, db, standin, errcode):
    consent(client, ["residency_result"])
    queue(user)
    failing(standin, errcode, times=2 if errcode == -1 else 1)  # the gateway itself retries -1 once

    run_job(app, DELIVER)

    message = db.session.scalar(select(Notification))
    # no errcode (a 5xx from a proxy): WeChat may have delivered it, so it is in doubt, its consent kept
    assert (message.status, message.attempts) == ("sending" if errcode == "http_error" else "pending", 1)
    assert message.errcode == (None if errcode == "http_error" else errcode)
    with time_machine.travel(now() + timedelta(minutes=3), tick=False):
        run_job(app, DELIVER)
    assert status(db) == "sent"
