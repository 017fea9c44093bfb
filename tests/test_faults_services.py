"""The services behind the app going away and coming back, on PostgreSQL and Redis (issue 17, item 8).

- PostgreSQL restarted under load (a proxy the test owns cuts every connection and refuses new ones for
  a few seconds, tests/tcpproxy.py): gunicorn workers answer 503 with Retry-After meanwhile, never a
  500; afterwards every request succeeds without restarting the app; each suggestion a client wrote
  (retried with its Idempotency-Key after a 503, as the API asks) is in the database exactly once.
  A request that claimed its key just before the restart cannot free it while the database is down;
  its retry finds the key's advisory lock free (the request's transaction is gone) and takes it over.
- Redis down (the app pointed at a proxy that refuses): a signed device request whose nonce cannot be
  checked is refused with 503 and changes nothing (fail closed); the ordinary rate limits go on per
  process (fail open, as the README says); /healthz answers and /readyz says Redis is unreachable;
  when Redis is back, everything works again without a restart.
"""

import itertools
import json
import secrets
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
import redis
import requests
import sqlalchemy as sa

from cloudplatform import create_app
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import GRID_WORKER
from cloudplatform.locker import operations
from cloudplatform.locker.models import Cabinet, Deposit
from cloudplatform.service.messages.models import Message
from cloudplatform.wechat import close_gateway
from tests.helpers import IsolatedClient, free_ports
from tests.locker.core import make_cabinet, signed_headers
from tests.rung import start_gunicorn, stop, wait_healthy
from tests.service.bookings.fixtures import resident_of
from tests.standin import STANDIN_APPID, STANDIN_SECRET
from tests.tcpproxy import TcpProxy
from tests.world import fresh_code
from tests.world import log_in as log_in_client

pytestmark = pytest.mark.postgres

CLIENTS = 6  # threads writing and reading at once (2 workers x 4 threads serve them)
WRITES_BEFORE = 3  # each client's successful writes before the restart ...
WRITES_AFTER = 3  # ... and after it
DOWN_SECONDS = 3.0
MESSAGES = "/api/v1/services/messages"


def proxy_for(url: str, default_port: int) -> TcpProxy:
    """A proxy in front of the server ``url`` names."""
    where = urlsplit(url)
    return TcpProxy(where.port or default_port, where.hostname or "127.0.0.1")


@pytest.fixture
def database_proxy(database_url):
    with proxy_for(database_url, 5432) as proxy:
        yield proxy


def rung_env(database_url: str, redis_url: str, standin: str, home) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "CLOUDPLATFORM_ENV": "development",  # production refuses the WeChat stand-in
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "WECHAT_API_BASE": standin,
        "WECHAT_APPID": STANDIN_APPID,
        "WECHAT_SECRET": STANDIN_SECRET,
        "LOGIN_RATE_LIMIT": "100 per minute",
        "LOG_LEVEL": "INFO",
    }


class Client(threading.Thread):
    """A resident writing suggestions and reading them back in a loop. A write answered 503 is retried
    with the same Idempotency-Key until it succeeds (what the API asks of a client); every answer is
    kept as (phase, request, status, body, Retry-After)."""

    def __init__(self, base: str, token: str, community_id: int, name: str, phase: list[str]):
        super().__init__(daemon=True)
        self.base, self.community_id, self.name, self.phase = base, community_id, name, phase
        self.headers = {"Authorization": f"Bearer {token}"}
        self.answers: list[tuple[str, str, int, dict, str | None]] = []
        self.written: list[str] = []  # the contents of the writes that succeeded
        self.stuck: list[str] = []  # ... and of those whose retry found their key still in flight
        self.writes_in: dict[str, int] = {}  # phase -> writes that succeeded in it
        self.stopping = threading.Event()
        self.failure: BaseException | None = None

    def run(self):
        try:
            for n in itertools.count():
                if self.stopping.is_set():
                    return
                self.write(f"{self.name} 的第 {n} 条建议")
                self.call("GET", MESSAGES + "/mine")
        except BaseException as error:  # reported by the test
            self.failure = error

    def call(
        self, method: str, path: str, headers: dict | None = None, retry: bool = False, **kwargs
    ) -> requests.Response:
        phase = self.phase[0]
        response = requests.request(
            method, self.base + path, headers=self.headers | (headers or {}), timeout=30, **kwargs
        )
        try:
            body = response.json()
        except ValueError:
            body = {"text": response.text[:200]}
        answer = (phase, f"{method} {path}", response.status_code, body, response.headers.get("Retry-After"))
        self.answers.append(answer)
        if not (200 <= response.status_code < 300 or unavailable(answer) or (retry and in_flight(answer))):
            raise AssertionError(f"neither a success nor the 503 envelope: {answer}")
        return response

    def write(self, content: str) -> None:
        key = str(uuid.uuid4())
        body = {"community_id": self.community_id, "kind": "suggestion", "content": content}
        for attempt in range(100):
            phase = self.phase[0]
            headers = {"Idempotency-Key": key}
            response = self.call("POST", MESSAGES, json=body, headers=headers, retry=attempt > 0)
            if response.status_code < 300:
                self.written.append(content)
                self.writes_in[phase] = self.writes_in.get(phase, 0) + 1
                return
            if response.status_code == 409:
                self.stuck.append(content)
                return
            time.sleep(0.2)  # a 503: retry with the same key
        raise AssertionError(f"{content}: still refused after 100 tries")


def log_in(base: str, name: str) -> str:
    response = requests.post(base + "/api/v1/auth/login", json={"code": fresh_code(name)}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.05)


def done(clients, phase: str, writes: int) -> bool:
    """Every client has made ``writes`` writes in ``phase`` (or one of them has failed)."""
    return any(c.failure for c in clients) or all(c.writes_in.get(phase, 0) >= writes for c in clients)


def in_flight(answer) -> bool:
    return answer[2] == 409 and answer[3].get("error", {}).get("code") == "IDEMPOTENCY_IN_PROGRESS"


def unavailable(answer) -> bool:
    _phase, _request, status, body, retry_after = answer
    return (
        status == 503
        and body.get("error", {}).get("code") == "SERVICE_UNAVAILABLE"
        and retry_after is not None
    )


def test_a_database_restart_under_load_loses_nothing_and_needs_no_restart_of_the_app(
    app, world, database_url, redis_url, standin, database_proxy, tmp_path
):
    names = [f"writer{i}" for i in range(CLIENTS)]
    for name in names:
        resident_of(world.home, name)
    env = rung_env(database_proxy.url(database_url), redis_url, standin, tmp_path)
    port = free_ports(1)[0]
    base = f"http://127.0.0.1:{port}"
    web = start_gunicorn("web", port, env, tmp_path)
    phase = ["before"]
    clients = []
    try:
        wait_healthy(web, base)
        clients = [Client(base, log_in(base, name), world.home.id, name, phase) for name in names]
        for client in clients:
            client.start()
        wait_for(lambda: done(clients, "before", WRITES_BEFORE), "writes before the restart")

        phase[0] = "down"
        cut = database_proxy.restart(DOWN_SECONDS)
        phase[0] = "after"
        wait_for(lambda: done(clients, "after", WRITES_AFTER), "writes after the restart")
        for client in clients:
            client.stopping.set()
        for client in clients:
            client.join(60)
        assert web.popen.poll() is None, "gunicorn itself went down"

        # the app was not restarted: a fresh round, each request answered at the first try
        phase[0] = "settled"
        for client in clients:
            client.write(f"{client.name} 最后一条建议")
            assert client.call("GET", MESSAGES + "/mine").status_code == 200
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n\n{web.tail(30)}") from None
    finally:
        for client in clients:
            client.stopping.set()
        stop(web)

    assert cut >= 1, "the restart cut no connection: the app was not connected through the proxy"
    for client in clients:
        assert client.failure is None, f"{client.failure!r}\n" + "\n".join(map(str, client.answers[-8:]))
    answers = [answer for client in clients for answer in client.answers]
    assert any(unavailable(a) for a in answers), "no request noticed the restart"
    settled = [a for a in answers if a[0] == "settled"]
    assert settled and all(200 <= a[2] < 300 for a in settled), settled

    written = sorted(content for client in clients for content in client.written)
    stored = sorted(_db.session.scalars(sa.select(Message.content)))
    assert stored == written  # each successful write once, none twice, no failed one
    assert not [c for client in clients for c in client.stuck]  # a cut request's key is taken over at once


def test_a_restart_that_drops_the_requests_connection_as_well_answers_503(
    world, database_url, database_proxy, standin, tmp_path
):
    """Every connection goes at once: the statement that notices fails, and so does the ROLLBACK on the
    request's own connection (which a single dropped connection does not show). 503, then the retry
    with the same Idempotency-Key writes once."""
    resident_of(world.home, "writer")
    served = create_app(
        {
            "DATABASE_URL": database_proxy.url(database_url),
            "TESTING": True,
            "WECHAT_API_BASE": standin,
            "WECHAT_APPID": STANDIN_APPID,
            "WECHAT_SECRET": STANDIN_SECRET,
        }
    )
    served.instance_path = str(tmp_path / "served")
    client = served.test_client()
    with served.app_context():
        engine = _db.engine

    def restart_on_claim(_conn, _cursor, statement, *_args):
        if "FROM idempotency_key" in statement and database_proxy.port and not cut:
            cut.append(database_proxy.down())  # after the user's lookup, on the key's own connection

    cut: list[int] = []
    try:
        headers = log_in_client(client, "writer") | {"Idempotency-Key": "restart-1"}
        body = {"community_id": world.home.id, "kind": "suggestion", "content": "重启时写的建议"}
        sa.event.listen(engine, "before_cursor_execute", restart_on_claim)
        refused_unavailable(client.post(MESSAGES, json=body, headers=headers))
        assert cut
        database_proxy.accept()
        assert client.post(MESSAGES, json=body, headers=headers).status_code == 201
    finally:
        sa.event.remove(engine, "before_cursor_execute", restart_on_claim)
        with served.app_context():
            _db.session.remove()
            _db.engine.dispose()
    assert _db.session.scalars(sa.select(Message.content)).all() == ["重启时写的建议"]


# -- Redis down ------------------------------------------------------------------------------------

GUIDES = "/api/v1/services/guides?q=%E8%AF%81%E6%98%8E"  # 证明: what a stranger may search, limited
PICKUPS = "/device/v1/pickups"


@pytest.fixture
def redis_proxy(redis_url):
    with proxy_for(redis_url, 6379) as proxy:
        yield proxy


@pytest.fixture
def app(database_url, redis_url, redis_proxy, standin, tmp_path):
    """The suite's app, its Redis behind the proxy (the restart test's app is its own processes)."""
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_proxy.url(redis_url),
            "TESTING": True,
            "WECHAT_API_BASE": standin,
            "WECHAT_APPID": STANDIN_APPID,
            "WECHAT_SECRET": STANDIN_SECRET,
            "PUBLIC_RATE_LIMIT": "3 per minute",
            "LOCKER_CODE_RATE_LIMIT": "2 per hour",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        close_gateway(app)
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def cabinet(world):
    return make_cabinet(world.home)


def pick_up(client, cabinet, code: str, nonce: str | None = None):
    _, key_id, secret = cabinet
    body = json.dumps({"code": code}).encode()
    return client.post(PICKUPS, data=body, headers=signed_headers(key_id, secret, PICKUPS, body, nonce=nonce))


def refused_unavailable(response):
    assert response.status_code == 503, response.json
    assert response.json["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert int(response.headers["Retry-After"]) > 0


def test_a_device_request_whose_nonce_cannot_be_checked_is_refused_and_changes_nothing(
    client, world, cabinet, redis_proxy
):
    recipient = resident_of(world.home, "recipient")
    issued = operations.deposit(world.staff[GRID_WORKER], cabinet[0].id, recipient.id, "S", "证明")
    _db.session.commit()

    redis_proxy.down()
    nonce = secrets.token_urlsafe(16)
    refused_unavailable(pick_up(client, cabinet, issued.code, nonce))  # the right code: no door opens
    refused_unavailable(pick_up(client, cabinet, "00000000"))  # a wrong one: not counted either
    _db.session.expire_all()
    assert _db.session.get(Deposit, issued.deposit.id).status == "waiting"
    assert _db.session.get(Cabinet, cabinet[0].id).failures == 0

    redis_proxy.accept()  # the nonce was never spent: the cabinet's retry goes through, once
    assert pick_up(client, cabinet, issued.code, nonce).status_code == 200
    replayed = pick_up(client, cabinet, issued.code, nonce)
    assert replayed.status_code == 401
    assert replayed.json["error"]["code"] == "NONCE_REUSED"


def test_rate_limits_count_in_each_process_while_redis_is_down_then_in_redis_again(
    app, client, world, redis_url, redis_proxy
):
    resident_of(world.home, "resident")
    redis_proxy.down()
    headers = log_in_client(client, "resident")  # limited (LOGIN_RATE_LIMIT): answers as usual

    counted = [client.get(GUIDES).status_code for _ in range(4)]  # PUBLIC_RATE_LIMIT, 3 a minute
    assert counted == [200, 200, 200, 429]  # still limited, in this process's memory
    codes = [client.get("/api/v1/lockers/deposits/mine", headers=headers).status_code for _ in range(3)]
    assert codes == [200, 200, 429]  # the pickup codes' limit as well (LOCKER_CODE_RATE_LIMIT)

    redis_proxy.accept()
    shared = redis.Redis.from_url(redis_url)
    for address in (f"192.0.2.{i}" for i in range(1, 250)):  # the limiter looks at Redis again ...
        assert client.get(GUIDES, environ_base={"REMOTE_ADDR": address}).status_code == 200
        if any(shared.scan_iter(match="*192.0.2.*")):  # ... and counts there
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the limits never went back to Redis")


def test_without_redis_nothing_crashes_and_readyz_says_so(app, client, world, redis_proxy):
    resident_of(world.home, "writer")
    headers = log_in_client(client, "writer")
    body = {"community_id": world.home.id, "kind": "suggestion", "content": "建议增设充电桩"}
    assert client.get("/readyz").json == {
        "status": "ok",
        "database": "ok",
        "migrations": "current",
        "redis": "ok",
    }

    redis_proxy.down()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200  # the database serves: the instance stays in rotation
    assert ready.json == {
        "status": "degraded",
        "database": "ok",
        "migrations": "current",
        "redis": "unreachable",
    }
    # the WeChat access token is kept in Redis: the content check cannot run, nothing is written
    written = client.post(MESSAGES, json=body, headers=headers)
    assert written.status_code == 503
    assert written.json["error"]["code"] == "WECHAT_UNAVAILABLE"
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0

    redis_proxy.accept()
    assert client.get("/readyz").json["redis"] == "ok"
    assert client.post(MESSAGES, json=body, headers=headers).status_code == 201
