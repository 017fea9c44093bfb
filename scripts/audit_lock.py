"""Audit requirements/production.txt with pip-audit (CI runs it): each pinned package looked up in a
vulnerability database, PyPI's first and then OSV's. Prints exactly one of:

- ``vulnerability audit: N packages, no known vulnerabilities (<service>)`` — every package was checked;
- ``vulnerability audit: K known vulnerabilities ...`` with each one, and exits 1;
- ``vulnerability audit NOT run: <reason>`` when no database could check every package (unreachable,
  or answering for only some of them); the build goes on, since the network is not the code's fault.

Never "no known vulnerabilities" when a package went unchecked: pip-audit itself reports a package it
could not look up as skipped and still says "No known vulnerabilities found". ``--osv-url URL`` asks
only an OSV-compatible service at URL (a mirror; the tests' stand-in).
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "production.txt"
SERVICES = ("pypi", "osv")
OPTIONS = ["--disable-pip", "--progress-spinner", "off", "--timeout", "15", "-f", "json"]


def audit(service: str, osv_url: str | None = None) -> tuple[list[dict], str]:
    """The dependencies pip-audit reported, or no list and the reason it gave none."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        where = ["--osv-url", osv_url] if osv_url else []
        args = ["-r", str(LOCK), *OPTIONS, "-s", service, *where, "-o", str(out)]
        done = subprocess.run(
            [sys.executable, "-m", "pip_audit", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        if not out.exists() or not out.read_text():
            lines = (done.stderr or done.stdout).strip().splitlines() or [f"exit {done.returncode}"]
            return [], f"{service}: {lines[-1][:200]}"
        return json.loads(out.read_text())["dependencies"], ""


def not_checked(service: str, dependencies: list[dict], skipped: list[dict]) -> str:
    if not skipped:
        return f"{service}: no packages reported"
    first = skipped[0]["skip_reason"]
    return f"{service}: {len(skipped)} of {len(dependencies)} packages not checked ({first})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--osv-url", help="ask only this OSV-compatible service")
    osv_url = parser.parse_args().osv_url
    reasons = []
    for service in ("osv",) if osv_url else SERVICES:
        dependencies, reason = audit(service, osv_url)
        skipped = [dep for dep in dependencies if dep.get("skip_reason")]
        if reason or not dependencies or skipped:
            reasons.append(reason or not_checked(service, dependencies, skipped))
            continue
        found = [(dep, vuln) for dep in dependencies for vuln in dep.get("vulns", [])]
        if not found:
            print(f"vulnerability audit: {len(dependencies)} packages, no known vulnerabilities ({service})")
            return 0
        print(f"vulnerability audit: {len(found)} known vulnerabilities ({service}):")
        for dep, vuln in found:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            print(f"  {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
        print("raise the pins (scripts/lock --upgrade-package NAME) or the bounds in setup.cfg")
        return 1
    print("vulnerability audit NOT run: " + "; ".join(reasons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
