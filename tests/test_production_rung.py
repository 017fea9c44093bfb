"""The one-host production rung across processes, on PostgreSQL and Redis: two gunicorn instances
(deploy/gunicorn.conf.py, 2 workers each) and two schedulers on one database.

- bookings raced through both instances never overbook a slot;
- one Idempotency-Key raced through both instances makes one booking, and every reply agrees;
- of two schedulers one leads: each job runs once per due time, the standby takes over when the
  leader dies, and SIGTERM (systemctl stop) stops a leader cleanly;
- the client address comes from nginx's X-Forwarded-For (TRUSTED_PROXIES=1: rate limits are per client,
  not per proxy), and a client's limit is one count across both instances and their workers (Redis);
- and (when nginx is installed) deploy/nginx/baoji.conf passes ``nginx -t``.

The app runs in development mode against the WeChat stand-in: production refuses the stand-in (a
loopback WECHAT_API_BASE), and these tests must run offline. Everything else is as deployed.
"""

import itertools
import json
import secrets
import shutil
import signal
import subprocess
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db as _db
from cloudplatform.idempotency import IdempotencyKey
from cloudplatform.jobs import JOBS
from cloudplatform.service.bookings.models import ACTIVE, Booking, Slot
from tests.helpers import free_ports
from tests.rung import (
    ROOT,
    job_runs,
    load_nginx_render,
    start_gunicorn,
    start_scheduler,
    stop,
    wait_healthy,
)
from tests.service.bookings.fixtures import make_service, resident_of, slot_at
from tests.standin import STANDIN_APPID, STANDIN_SECRET
from tests.world import fresh_code

CAPACITY = 3
RACERS = 16  # 2 instances x 2 workers x 4 threads: every one of them is busy at once
RETRIES = 8  # the same Idempotency-Key, 4 through each instance
LOGINS = 30  # per minute and client: the racers and the retrier log in from 127.0.0.1 (17 of them)
JOB_SECONDS = 2.0  # every job, in this test only (tests/rung.py)
BOOKINGS = "/api/v1/services/bookings"


def next_weekday():
    day = local(now()).date() + timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def log_in(base_url: str, name: str) -> dict[str, str]:
    response = requests.post(base_url + "/api/v1/auth/login", json={"code": fresh_code(name)}, timeout=10)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def race(calls):
    """Fire every (url, json, headers) at once, each from its own thread; the responses in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def fire(i, url, body, headers):
        barrier.wait()
        try:
            results[i] = requests.post(url, json=body, headers=headers, timeout=30)
        except requests.RequestException as error:
            results[i] = error

    threads = [threading.Thread(target=fire, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(40)
    return results


@pytest.fixture
def rung_env(database_url, redis_url, standin, tmp_path):
    assert redis_url, "the rung shares Redis between its processes, as production does: set TEST_REDIS_URL"
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "CLOUDPLATFORM_ENV": "development",  # production refuses the stand-in: see the module's docstring
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TRUSTED_PROXIES": "1",  # as behind nginx: the client is the last X-Forwarded-For entry
        "SECRET_KEY": secrets.token_urlsafe(48),  # one key for both instances, as one deployment has
        "WECHAT_API_BASE": standin,
        "WECHAT_APPID": STANDIN_APPID,
        "WECHAT_SECRET": STANDIN_SECRET,
        "LOGIN_RATE_LIMIT": f"{LOGINS} per minute",
        "PUBLIC_RATE_LIMIT": "3 per minute",  # per client: see check_client_address
        "SCHEDULER_LEADER_RETRY_SECONDS": "1",
        "RUNG_JOB_SECONDS": str(JOB_SECONDS),
        "RUNG_JOB_LOG": str(tmp_path / "job-runs.jsonl"),
        "LOG_LEVEL": "INFO",
    }


@pytest.mark.postgres
def test_two_instances_and_two_schedulers_share_one_database(app, world, rung_env, tmp_path):
    service = make_service(world, capacity=CAPACITY, max_active_per_user=5)
    day = next_weekday()
    raced, retried = slot_at(service, day, 9), slot_at(service, day, 10)
    for i in range(RACERS):
        resident_of(world.home, f"racer{i}")
    retrier = resident_of(world.home, "retrier")
    expired = now() - timedelta(hours=1)
    _db.session.add(
        IdempotencyKey(
            actor="ip:192.0.2.1", key="old", request_hash="0" * 64, in_flight=False, expires_at=expired
        )
    )
    _db.session.commit()

    ports = free_ports(2)
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    processes = []
    try:
        processes += [start_gunicorn(f"web{i}", port, rung_env, tmp_path) for i, port in enumerate(ports)]
        processes += [start_scheduler(f"jobs{i}", rung_env, tmp_path) for i in range(2)]
        for process, base in zip(processes[:2], bases, strict=True):
            wait_healthy(process, base)

        check_booking_race(bases, raced)
        check_idempotency_race(bases, retried, retrier)
        check_client_address(bases)
        check_login_limit(bases)
        check_one_scheduler_leads(processes[2:], rung_env)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n\n" + "\n".join(p.tail(15) for p in processes)) from None
    finally:
        for process in processes:
            stop(process)


def check_booking_race(bases, slot):
    headers = [log_in(bases[i % 2], f"racer{i}") for i in range(RACERS)]
    results = race([(bases[i % 2] + BOOKINGS, {"slot_id": slot.id}, h) for i, h in enumerate(headers)])
    errors = [r for r in results if not isinstance(r, requests.Response)]
    assert not errors, errors
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * CAPACITY + [409] * (RACERS - CAPACITY), [r.text for r in results]
    assert {r.json()["error"]["code"] for r in results if r.status_code == 409} == {"SLOT_FULL"}
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(Slot.booked).where(Slot.id == slot.id)) == CAPACITY
    holding = sa.select(sa.func.count()).where(Booking.slot_id == slot.id, Booking.status.in_(ACTIVE))
    assert _db.session.scalar(holding) == CAPACITY


def check_idempotency_race(bases, slot, retrier):
    """The documented answers to a key in use: the first request's 201, replayed (Idempotent-Replayed)
    once it finished, or 409 IDEMPOTENCY_IN_PROGRESS while it runs."""
    token = log_in(bases[0], "retrier")
    headers = token | {"Idempotency-Key": str(uuid.uuid4())}
    body = {"slot_id": slot.id}
    results = race([(bases[i % 2] + BOOKINGS, body, headers) for i in range(RETRIES)])
    assert all(isinstance(r, requests.Response) for r in results), results
    created = [r for r in results if r.status_code == 201]
    originals = [r for r in created if r.headers.get("Idempotent-Replayed") != "true"]
    in_flight = [r for r in results if r.status_code == 409]
    assert len(originals) == 1, [(r.status_code, dict(r.headers), r.text) for r in results]
    assert len(created) + len(in_flight) == RETRIES, [r.text for r in results]
    assert {r.json()["error"]["code"] for r in in_flight} <= {"IDEMPOTENCY_IN_PROGRESS"}
    booking = originals[0].json()
    assert all(r.json() == booking for r in created)
    # a retry after the race, through the other instance, replays the same answer
    again = requests.post(bases[1] + BOOKINGS, json=body, headers=headers, timeout=10)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == booking
    _db.session.expire_all()
    mine = _db.session.scalars(sa.select(Booking).where(Booking.user_id == retrier.id)).all()
    assert [b.id for b in mine] == [booking["id"]]
    assert _db.session.scalar(sa.select(Slot.booked).where(Slot.id == slot.id)) == 1


def check_client_address(bases):
    """Behind nginx every request comes from 127.0.0.1: the address limits count is the one nginx
    appends to X-Forwarded-For (TRUSTED_PROXIES=1), not gunicorn's peer. The count is kept in Redis, so
    a client spreading its requests over both instances (and their workers) has one allowance."""
    path = "/api/v1/services/guides?q=" + requests.utils.quote("证明")

    def allowed(base, client):
        headers = {"X-Forwarded-For": f"198.51.100.7, {client}"}
        response = requests.get(base + path, headers=headers, timeout=10)
        assert response.status_code in (200, 429), response.text
        return response.status_code == 200

    spread = [allowed(bases[i % 2], "203.0.113.1") for i in range(4)]
    assert spread == [True, True, True, False]
    assert not allowed(bases[1], "203.0.113.1")
    assert allowed(bases[1], "203.0.113.2")  # another client: its own (and not 198.51.100.7's)


def check_login_limit(bases):
    """Wrong login codes from one client, spread over both instances (and their four workers), are
    refused after LOGINS in all: one count in Redis, not one per worker."""

    def attempt(i):
        body, client = {"code": f"guessed-{i}"}, {"X-Forwarded-For": "203.0.113.50"}
        return requests.post(bases[i % 2] + "/api/v1/auth/login", json=body, headers=client, timeout=10)

    answers = [attempt(i) for i in range(LOGINS + 2)]
    refused = {a.json()["error"]["code"] for a in answers[:LOGINS]}  # WeChat knows no such code
    assert "RATE_LIMITED" not in refused and all(a.status_code < 500 for a in answers), refused
    assert [a.status_code for a in answers[LOGINS:]] == [429, 429]
    assert answers[-1].json()["error"]["code"] == "RATE_LIMITED"


def check_one_scheduler_leads(schedulers, env):
    """Every job every JOB_SECONDS on one scheduler only; kill it and the standby runs them all."""
    record = env["RUNG_JOB_LOG"]
    jobs = len(JOBS)  # every declared job
    # two due times of every job, so that a second leader would have had its chance to run one too
    leader_pid = wait_for_runs(
        record, lambda runs: len(runs) >= 2 * jobs and len({r["job"] for r in runs}) == jobs
    )
    assert {r["pid"] for r in job_runs_of(record)} == {leader_pid}, "two schedulers ran jobs at once"
    leader = next(s for s in schedulers if s.popen.pid == leader_pid)
    standby = next(s for s in schedulers if s is not leader)
    leader.popen.kill()  # as a crash: its connection goes, and the advisory lock with it
    leader.popen.wait(10)
    killed_at = time.time()
    wait_for_runs(record, lambda runs: len({r["job"] for r in runs if r["pid"] == standby.popen.pid}) == jobs)

    runs = job_runs_of(record)
    assert {r["pid"] for r in runs} == {leader.popen.pid, standby.popen.pid}
    assert all(r["at"] <= killed_at for r in runs if r["pid"] == leader.popen.pid)
    assert all(not r["result"].startswith("failed") for r in runs), runs
    assert "another scheduler leads; standing by" in standby.log.read_text()
    for pid in (leader.popen.pid, standby.popen.pid):
        for job in {r["job"] for r in runs}:
            # once per due time: each due time run once, due times a whole interval apart (a second
            # leader would add its own due times between them, or run the same ones again)
            due = sorted(r["due"] for r in runs if r["job"] == job and r["pid"] == pid)
            gaps = [b - a for a, b in itertools.pairwise(due)]
            assert all(gap >= JOB_SECONDS - 0.01 for gap in gaps), (job, pid, gaps)
    # the one expired idempotency key was pruned once, by whichever ran first
    pruned = [int(r["result"]) for r in runs if r["job"] == "prune_idempotency_keys"]
    assert sum(pruned) == 1, pruned
    assert _db.session.scalar(sa.select(sa.func.count()).where(IdempotencyKey.key == "old")) == 0
    # systemctl stop: SIGTERM lets the jobs in flight finish, then the lock goes; a clean exit
    standby.popen.send_signal(signal.SIGTERM)
    assert standby.popen.wait(20) == 0
    assert "scheduler stopped; leader lock released" in standby.log.read_text()


def job_runs_of(record):
    return job_runs(Path(record))


def wait_for_runs(record, ready, timeout: float = 30) -> int:
    """Poll the runs' record until ``ready(runs)``; the pid of the latest run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = job_runs_of(record)
        if runs and ready(runs):
            return runs[-1]["pid"]
        time.sleep(0.2)
    raise AssertionError(
        f"scheduler runs not as expected within {timeout} s: {json.dumps(job_runs_of(record))}"
    )


NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def test_nginx_site_passes_nginx_t(tmp_path):
    assert NGINX, "nginx is needed to check the site (scripts/test installs it as root)"
    render = load_nginx_render()
    certificate, key = render.self_signed_certificate(str(tmp_path))
    http_port, https_port, web_port = free_ports(3)
    conf = render.write_config(
        str(tmp_path),
        http_port=http_port,
        https_port=https_port,
        upstream=f"127.0.0.1:{web_port}",
        certificate=certificate,
        certificate_key=key,
        static_root=str(ROOT / "admin" / "static"),
    )
    result = subprocess.run(  # noqa: S603
        [NGINX, "-t", "-c", str(conf)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_site_limits_match_the_app():
    """The site's body limits are the app's: 1 MB for the API, UPLOAD_FORM_MAX_BYTES for the console and a
    home visit's photos, UPLOAD_MAX_BYTES for a resident's upload."""
    from cloudplatform.config import SETTINGS

    site = (ROOT / "deploy" / "nginx" / "baoji.conf").read_text()
    assert SETTINGS["MAX_CONTENT_LENGTH"][0] == 1024 * 1024 and "client_max_body_size 1m;" in site
    assert SETTINGS["UPLOAD_FORM_MAX_BYTES"][0] == 32 * 1024 * 1024 and "client_max_body_size 32m;" in site
    # the API's two file routes: one upload (10 MB + the envelope), a home visit's photos (32 MB + it)
    assert SETTINGS["UPLOAD_MAX_BYTES"][0] == 10 * 1024 * 1024 and "client_max_body_size 11m;" in site
    visit = "location ~ ^/api/v1/staff/aid-applications/[0-9]+/visit$"
    assert visit in site and "client_max_body_size 33m;" in site
