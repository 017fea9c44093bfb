"""The production lock file (requirements/production.txt, made by scripts/lock) covers what setup.cfg
asks for: a dependency added or re-bounded in setup.cfg without refreshing the lock fails here. Its
audit (scripts/audit_lock.py, in CI) against a vulnerability service on loopback: a known vulnerability
fails, and "no known vulnerabilities" only when every package was checked."""

import configparser
import json
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def runtime_requirements() -> list[Requirement]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options"]["install_requires"].strip().splitlines()
    return [Requirement(line) for line in lines if line.strip()]


def locked() -> dict[str, str]:
    text = (ROOT / "requirements" / "production.txt").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, flags=re.MULTILINE)
    return {canonicalize_name(name): version for name, version in pins}


def test_every_runtime_dependency_is_pinned_within_its_bounds():
    pins = locked()
    for requirement in runtime_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is missing from the lock: run scripts/lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{requirement.name}=={pins[name]} is outside setup.cfg's {requirement}: run scripts/lock"
        )


def test_the_extras_asked_for_are_locked_too():
    """``psycopg[binary]`` needs psycopg-binary in production, ``wechatpy[cryptography]`` cryptography."""
    pins = locked()
    for requirement in runtime_requirements():
        for extra in requirement.extras:
            for line in metadata.requires(requirement.name) or []:
                needed = Requirement(line)
                if needed.marker and needed.marker.evaluate({"extra": extra}):
                    assert canonicalize_name(needed.name) in pins, (
                        f"{needed.name} ({requirement.name}[{extra}]) is missing from the lock"
                    )


def test_every_pin_carries_hashes():
    """pip then installs the lock with --require-hashes: what was audited is what is installed."""
    text = (ROOT / "requirements" / "production.txt").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9._-]+==)", text.split("\n", 1)[1])
    for entry in entries:
        if "==" in entry.split("\n", 1)[0]:
            assert "--hash=sha256:" in entry, entry.split("\n", 1)[0]


class OsvStandIn(BaseHTTPRequestHandler):
    """Answers OSV's query API on loopback: ``vulnerable`` names a package with one advisory, and
    ``broken`` makes every query a 500."""

    vulnerable = ""
    broken = False

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.broken:
            self.send_error(500)
            return
        name = query["package"]["name"]
        answer = {}
        if name == self.vulnerable:
            fixed = {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "999.0"}]}
            affected = [{"package": {"name": name, "ecosystem": "PyPI"}, "ranges": [fixed]}]
            answer = {"vulns": [{"id": "PYSEC-0000-1", "summary": "a test advisory", "affected": affected}]}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def osv():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OsvStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    OsvStandIn.vulnerable, OsvStandIn.broken = "", False


def audit(server) -> tuple[int, str]:
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    done = subprocess.run(  # noqa: S603  (the repository's own script)
        [sys.executable, str(ROOT / "scripts" / "audit_lock.py"), "--osv-url", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout


def test_the_audit_names_a_known_vulnerability_and_fails(osv):
    OsvStandIn.vulnerable = "flask"
    code, output = audit(osv)
    assert code == 1, output
    assert "flask" in output and "PYSEC-0000-1" in output and "999.0" in output
    assert "no known vulnerabilities" not in output


def test_the_audit_says_clean_only_when_every_package_was_checked(osv):
    code, output = audit(osv)
    assert (code, output.strip()) == (
        0,
        f"vulnerability audit: {len(locked())} packages, no known vulnerabilities (osv)",
    )
    OsvStandIn.broken = True
    code, output = audit(osv)
    assert code == 0 and output.startswith("vulnerability audit NOT run: osv: ")
    assert "no known vulnerabilities" not in output
