"""gunicorn for the one-host rung: nginx on the same machine in front, PostgreSQL and Redis behind.

    gunicorn -c deploy/gunicorn.conf.py 'cloudplatform:create_app()'

Every number below can be moved without editing this file: GUNICORN_BIND, WEB_CONCURRENCY (workers),
GUNICORN_THREADS, GUNICORN_TIMEOUT; command-line flags win over all of them (the tests run two
instances on free ports with ``-b`` and ``-w``).
"""

import os

from gunicorn import glogging

from cloudplatform.logs import redact_path

# Loopback only: nginx on this host is the one way in (TLS, body limits, client addresses).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Workers and threads for a 2-core host. scripts/bench decides these numbers, not taste: rerun it on
# the target host after a change that moves the hot endpoints (`scripts/bench --workers 2 --threads 4
# --database-url postgresql+psycopg://...`). Measured 2026-12-05 after the hot-path work (2 cores,
# PostgreSQL, wrk with 16 connections on the same cores, 5 s runs), 2 sync workers vs 2 workers x 4
# threads: me 1192 vs 1065 req/s (p99 15 vs 35 ms), notices 638 vs 554, guides 964 vs 903, slots 675
# vs 691, booking 462 vs 522. The app is CPU-bound in Python between queries, so threads neither win
# nor lose much on a local benchmark whose WeChat stand-in answers at once. We run 2 workers (one per
# core) with 4 threads all the same: a thread waiting up to WECHAT_TIMEOUT on WeChat (login, phone,
# messages) must not stall a whole worker, which a sync worker would. If the reads' p99 matters more
# than WeChat's latency on the target host, measure `--threads 1` against this again.
# Each thread holds at most one database connection; the pool (pool_size 5 + max_overflow 5 per
# process, cloudplatform/config.py) covers 4 threads, and 2 workers x 5 stays far below PostgreSQL's
# default max_connections of 100 with the scheduler's two connections beside them.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request taking longer than this is killed (and logged): nginx gives up at 60 s (proxy_read_timeout).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # SIGTERM: finish what is in flight (systemd's TimeoutStopSec is above this)
keepalive = 5  # nginx keeps upstream connections open (its `keepalive` in the upstream block)
max_requests = 5000  # recycle workers now and then; jitter so they do not all restart together
max_requests_jitter = 500

# Not preloaded: each worker imports and builds the app after the fork, so no worker inherits the
# master's database pool, Redis connections or the WeChat gateway's HTTP session (sockets shared
# across a fork corrupt each other's traffic). A code change is rolled out with a restart, not HUP.
preload_app = False

# The client's address and scheme come from the app (TRUSTED_PROXIES=1 for nginx on this host:
# cloudplatform/proxies.py), never from gunicorn, so that one setting decides what is believed.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}


# The access log on stdout (the journal under systemd), one line per request with the request id
# the app answers with (X-Request-ID: nginx's $request_id, or a new one), the client as nginx saw
# it (%(h)s is read after the app's ProxyFix) and the time taken in milliseconds. The app's log lines and
# nginx's access log carry the same id.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s "%(f)s" "%(a)s"'


class RedactingLogger(glogging.Logger):
    """gunicorn's logger whose access lines show the secrets a path carries (a service certificate's
    verification token) as [redacted] (``cloudplatform.logs.redact_path``)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            atoms[key] = redact_path(atoms[key])
        return atoms


logger_class = RedactingLogger

# gunicorn >= 25.1 opens a control socket for gunicornc, by default under $HOME (two instances on
# one host would share it, and systemd's ProtectHome forbids it): only where asked for.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
proc_name = "baoji-web"
