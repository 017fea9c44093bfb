"""The production rung as processes, for tests/test_production_rung.py: gunicorn instances with
deploy/gunicorn.conf.py and schedulers (``flask --app cloudplatform jobs run``) on one database.

``python -m tests.rung scheduler`` is ``flask --app cloudplatform jobs run`` with two things only a
test wants, both from the environment: every job every RUNG_JOB_SECONDS (the declared intervals are
minutes to hours), and each run appended as a JSON line to RUNG_JOB_LOG (job, pid, the due time
APScheduler ran it for, when it finished, its result). The leader lock, the scheduler and the jobs are
the real ones.
"""

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
NGINX_RENDER = ROOT / "deploy" / "nginx" / "render.py"


@dataclasses.dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.name} ({self.log}) ---\n" + "\n".join(text.splitlines()[-lines:])


def spawn(name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> Process:
    log = log_dir / f"{name}.log"
    with open(log, "w") as out:
        popen = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Process(name, popen, log)


def start_gunicorn(name: str, port: int, env: dict[str, str], log_dir: Path, workers: int = 2) -> Process:
    argv = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
    argv += ["-b", f"127.0.0.1:{port}", "-w", str(workers), "cloudplatform:create_app()"]
    return spawn(name, argv, env, log_dir)


def start_scheduler(name: str, env: dict[str, str], log_dir: Path) -> Process:
    return spawn(name, [sys.executable, "-m", "tests.rung", "scheduler"], env, log_dir)


def wait_healthy(process: Process, base_url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise AssertionError(f"{process.name} exited with {process.popen.returncode}\n{process.tail()}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(base_url + "/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"{process.name} did not answer /healthz within {timeout} s\n{process.tail()}")


def stop(process: Process, timeout: float = 15) -> None:
    """SIGTERM to the process group (gunicorn's master and workers), SIGKILL when it lingers."""
    if process.popen.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, signal.SIGTERM)
        try:
            process.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.popen.pid, signal.SIGKILL)
            process.popen.wait(5)
    # workers left behind by a killed master would keep database connections open
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.popen.pid, signal.SIGKILL)


def job_runs(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def load_nginx_render():
    """deploy/nginx/render.py (deploy/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("deploy_nginx_render", NGINX_RENDER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_scheduler() -> None:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
    from flask.cli import main

    from cloudplatform import jobs

    seconds = float(os.environ["RUNG_JOB_SECONDS"])
    record_to = os.environ["RUNG_JOB_LOG"]
    build_scheduler = jobs.build_scheduler

    def record(event):
        line = {
            "job": event.job_id,
            "pid": os.getpid(),
            "due": event.scheduled_run_time.timestamp(),
            "at": time.time(),
            "result": repr(event.retval) if event.exception is None else f"failed: {event.exception!r}",
        }
        with open(record_to, "a") as out:  # one short write per line: appends do not interleave
            out.write(json.dumps(line) + "\n")

    def recording_scheduler(app):
        scheduler = build_scheduler(app)
        scheduler.add_listener(record, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        return scheduler

    interval = {"trigger": "interval", "seconds": seconds}
    jobs.JOBS[:] = [dataclasses.replace(job, trigger=interval) for job in jobs.JOBS]
    jobs.build_scheduler = recording_scheduler  # run_as_leader imports it when it starts leading
    sys.argv = ["flask", "--app", "cloudplatform", "jobs", "run"]
    main()


if __name__ == "__main__" and sys.argv[1:] == ["scheduler"]:
    run_scheduler()
