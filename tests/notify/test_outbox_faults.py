"""The outbox through a minute of WeChat faults (-1, 45011, timeouts, one of them after WeChat had
delivered): every message kept, each delivered once, each consent spent once, on both sides."""

from datetime import timedelta

import pytest
import time_machine

from cloudplatform.clock import now
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.notify.operations import MAX_ATTEMPTS
from tests.notify.outbox import (
    delivered,
    failing,
    our_consents_left,
    outbox,
    queue,
    subscribe,
    wechat_consents_left,
)
from tests.world import wechat_user

DELIVER = next(job for job in JOBS if job.id == "deliver_outbox")
STALL = 1.5  # seconds the stand-in holds a timed-out answer; the gateway gives up after WECHAT_TIMEOUT


@pytest.fixture
def quick_gateway(app):
    app.config["WECHAT_TIMEOUT"] = 0.5  # before the gateway is made: a timeout costs half a second


def test_a_minute_of_wechat_faults_loses_nothing_and_sends_nothing_twice(app, db, standin, quick_gateway):
    people = {name: wechat_user(name) for name in ("alice", "bob", "carol", "dave", "erin")}
    subscribe(standin, people["alice"], count=2)  # two messages for alice, one for each of the others
    for name in ("bob", "carol", "dave", "erin"):
        subscribe(standin, people[name])
    start = now()

    def tick(seconds, *queued, fault=None, **options):
        """At ``seconds`` into the minute: queue messages, script the fault, run the job as the scheduler
        would; nothing fails while WeChat is down."""
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            for name, label in queued:
                queue(people[name], label)
            if fault is not None:
                failing(standin, fault, **options)
            run_job(app, DELIVER)
        assert all(status != "failed" for status, _ in outbox().values())

    tick(0, ("alice", "a1"), ("bob", "b1"), fault=-1, times=4)  # busy twice each (the gateway retries -1)
    tick(10)
    tick(20, ("carol", "c1"), fault=45011)
    tick(30)
    tick(
        40, ("alice", "a2"), ("dave", "d1"), fault="timeout_after", stall=STALL
    )  # a2 arrives, its answer lost
    tick(50, ("erin", "e1"), fault="timeout", stall=STALL)  # e1's send stalls and does not arrive
    tick(60)

    assert outbox() == {
        "a1": ("pending", 1),
        "b1": ("pending", 1),
        "c1": ("pending", 1),
        "a2": ("sending", 1),  # in doubt: its consent stays spent
        "d1": ("sent", 0),
        "e1": ("sending", 1),
    }
    alice = people["alice"].openid
    assert delivered(standin)[(alice, "a2")] == 1
    assert wechat_consents_left(standin)[alice] == 1  # a2 used one at WeChat
    assert our_consents_left()[people["alice"].id] == 1  # a1's, given back; a2's spent

    for minutes in (3, 6, 12, 24):  # the scheduler keeps running after WeChat is back
        tick(minutes * 60)

    assert {status for status, _ in outbox().values()} == {"sent"}
    assert max(attempts for _, attempts in outbox().values()) < MAX_ATTEMPTS
    owners = {"a1": "alice", "a2": "alice", "b1": "bob", "c1": "carol", "d1": "dave", "e1": "erin"}
    assert delivered(standin) == {(people[owner].openid, label): 1 for label, owner in owners.items()}
    assert set(wechat_consents_left(standin).values()) == {0}
    assert set(our_consents_left().values()) == {0}
