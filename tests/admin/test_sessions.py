"""Console sessions kept by the server and per-account lockout: a copied cookie opens nothing once its
session has ended (sign-out, password change or reset, deactivation, idle or absolute lifetime); wrong
passwords lock the account with backoff, whatever the address, until the lock runs out or an
administrator unlocks it; the refusal is the same for an account that does not exist."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from argon2 import PasswordHasher
from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER, ConsoleSession
from tests.admin.console import CSRF, sign_in, sign_in_as, submit, text
from tests.admin.test_accounts import CHANGE, NEW_PASSWORD, TEMPORARY, change, reset
from tests.factories import PASSWORD

START = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
COOKIE = "cp_session"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def worker(world):
    return world.staff[GRID_WORKER]


@pytest.fixture
def signed_in(client, worker):
    sign_in_as(client, worker)
    return client


def copy_of(app, client):
    """Another browser holding a copy of the client's session cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def opens_console(client) -> bool:
    return client.get("/admin/").status_code == 200


def actions(db) -> list[str]:
    db.session.commit()
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


# -- sessions end at once -----------------------------------------------------------------------------


def test_a_copied_cookie_works_while_the_session_lasts(app, signed_in):
    assert opens_console(copy_of(app, signed_in))


def test_the_cookie_holds_only_a_random_id_and_the_database_only_its_hash(app, signed_in, db):
    data = app.session_interface.get_signing_serializer(app).loads(signed_in.get_cookie(COOKIE).value)
    assert set(data) <= {"sid", "csrf_token", "_permanent", "_flashes"}  # nothing says who
    assert len(data["sid"]) >= 43  # 32 random bytes
    stored = db.session.scalars(select(ConsoleSession.token_hash)).all()
    assert stored == [hashlib.sha256(data["sid"].encode()).hexdigest()]


def test_a_copied_cookie_is_refused_after_sign_out(app, signed_in):
    copy = copy_of(app, signed_in)
    submit(signed_in, "/admin/sign-out")
    assert copy.get("/admin/").headers["Location"].startswith("/admin/sign-in")


def test_a_copied_cookie_is_refused_after_a_password_change(app, signed_in):
    copy = copy_of(app, signed_in)
    assert "密码已修改" in text(change(signed_in))
    assert not opens_console(copy)
    assert opens_console(signed_in)  # the browser that changed it stays signed in


def test_every_session_ends_when_an_administrator_resets_the_password(app, signed_in, world, worker):
    admin = app.test_client()
    sign_in_as(admin, world.staff[COMMUNITY_ADMIN])
    reset(admin, worker)
    assert not opens_console(signed_in)


def test_every_session_ends_when_the_account_is_deactivated(app, signed_in, world, worker):
    copy = copy_of(app, signed_in)
    admin = app.test_client()
    sign_in_as(admin, world.staff[COMMUNITY_ADMIN])
    submit(admin, f"/admin/staff/{worker.id}/active", {"active": "0"})
    submit(admin, f"/admin/staff/{worker.id}/active", {"active": "1"})
    assert not opens_console(signed_in)
    assert not opens_console(copy)


def test_an_unused_session_ends_after_the_idle_lifetime(signed_in, clock):
    clock.shift(timedelta(minutes=29))
    assert opens_console(signed_in)  # use keeps it alive ...
    clock.shift(timedelta(minutes=29))
    assert opens_console(signed_in)
    clock.shift(timedelta(minutes=30))  # ... idleness ends it
    assert not opens_console(signed_in)


def test_a_busy_session_ends_after_the_absolute_lifetime(signed_in, clock):
    for _ in range(23):  # 7 h 40 min of work, a page every 20 minutes
        clock.shift(timedelta(minutes=20))
        assert opens_console(signed_in)
    clock.shift(timedelta(minutes=20))  # 8 hours after the sign-in
    assert not opens_console(signed_in)


def test_ending_a_session_leaves_the_others_of_the_account(app, signed_in, worker):
    laptop = app.test_client()
    sign_in_as(laptop, worker)
    submit(laptop, "/admin/sign-out")
    assert opens_console(signed_in)


# -- lockout ------------------------------------------------------------------------------------------

ADDRESSES = (f"10.0.{n}.1" for n in range(1, 250))  # each try from elsewhere: the address limit never applies


def attempt(app, username, password):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = next(ADDRESSES)
    return sign_in(browser, username, password)


def fail(app, username, times=5):
    for _ in range(times):
        assert attempt(app, username, "wrong-password").status_code == 200


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(app, worker, db):
    fail(app, worker.username)
    response = attempt(app, worker.username, PASSWORD)
    assert response.status_code == 200
    assert "用户名或密码错误" in text(response)
    assert actions(db)[-2:] == ["staff.lock", "staff.sign_in_failed"]


def test_four_wrong_passwords_do_not_lock(app, worker):
    fail(app, worker.username, times=4)
    assert attempt(app, worker.username, PASSWORD).status_code == 302


def test_a_sign_in_starts_the_count_again(app, worker):
    fail(app, worker.username, times=4)
    assert attempt(app, worker.username, PASSWORD).status_code == 302
    fail(app, worker.username, times=4)
    assert attempt(app, worker.username, PASSWORD).status_code == 302


def test_the_lock_runs_out_and_each_next_lock_lasts_twice_as_long(app, worker, clock):
    fail(app, worker.username)
    clock.shift(timedelta(minutes=1, seconds=59))
    assert attempt(app, worker.username, PASSWORD).status_code == 200
    clock.shift(timedelta(seconds=1))  # the first lock: 2 minutes
    fail(app, worker.username, times=1)  # one more wrong password locks again, 4 minutes
    clock.shift(timedelta(minutes=3, seconds=59))
    assert attempt(app, worker.username, PASSWORD).status_code == 200
    clock.shift(timedelta(seconds=1))
    assert attempt(app, worker.username, PASSWORD).status_code == 302


def test_an_administrator_sees_the_lock_and_unlocks(app, client, world, worker, db):
    fail(app, worker.username)
    admin = sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    page = text(client.get("/admin/staff"))
    assert "已锁定至" in page
    assert f'action="/admin/staff/{worker.id}/unlock"' in page
    assert f"已解锁账号 {worker.username}" in text(submit(client, f"/admin/staff/{worker.id}/unlock"))
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.actor_id, entry.target_id) == ("staff.unlock", admin.id, str(worker.id))
    assert attempt(app, worker.username, PASSWORD).status_code == 302
    assert "已锁定至" not in text(client.get("/admin/staff"))


def test_unlocking_needs_the_right_to_manage_staff(app, client, world, worker):
    fail(app, worker.username)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert submit(client, f"/admin/staff/{worker.id}/unlock").status_code == 403
    assert attempt(app, worker.username, PASSWORD).status_code == 200


@pytest.fixture
def verifications(monkeypatch):
    """How many argon2 password checks were run (the work that sets a refusal's time)."""
    calls = []
    original = PasswordHasher.verify

    def counted(self, hash, password):
        calls.append(1)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return calls


def refusal(app, username, password, verifications) -> tuple[int, str, int]:
    """(status, page without the username and CSRF token, password checks) of one refused sign-in."""
    verifications.clear()
    response = attempt(app, username, password)
    page = CSRF.sub("", text(response)).replace(username, "USERNAME")
    return response.status_code, re.sub(r"\s+", " ", page), len(verifications)


def test_the_refusal_never_tells_whether_the_account_exists(app, worker, verifications):
    wrong = refusal(app, worker.username, "wrong-password", verifications)
    fail(app, worker.username, times=4)
    locked = refusal(app, worker.username, PASSWORD, verifications)
    unknown = refusal(app, "no-such-account", PASSWORD, verifications)
    assert wrong == locked == unknown
    assert unknown[2] == 1  # one password check whether or not the account exists


def test_unknown_accounts_never_lock(app, worker):
    fail(app, "no-such-account", times=8)
    assert attempt(app, worker.username, PASSWORD).status_code == 302


# -- a reset forces a change ----------------------------------------------------------------------------


def test_a_reset_account_signs_in_with_the_temporary_password_and_must_change_it(app, client, world, worker):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    reset(client, worker)
    browser = app.test_client()
    sign_in(browser, worker.username, TEMPORARY)
    assert browser.get("/admin/").headers["Location"] == CHANGE
    change(browser, current=TEMPORARY)
    assert opens_console(browser)
    assert attempt(app, worker.username, NEW_PASSWORD).status_code == 302
