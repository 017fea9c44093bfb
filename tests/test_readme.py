"""The README's walkthrough ("## Calling the API") runs as written against a fresh ``scripts/run``.

Its shell blocks run in order in one bash (``set -e -o pipefail``), with the documented addresses
(http://127.0.0.1:5000 and :5002) moved to free ports; each command whose comment shows an answer
(``# words → answer``, pieces cut by `` … ``, continued by ``# → ...`` lines) must print it.
"""

import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.helpers import free_ports, raw_get

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SECTION = "## Calling the API"
API_BASE, STANDIN_BASE = "http://127.0.0.1:5000", "http://127.0.0.1:5002"
ANSWER = re.compile(r"(?:^|\s)#[^→]*→(?P<answer>.*)$")
ANSWER_LINE = re.compile(r"^\s*#\s*→(?P<answer>.*)$")
PLACEHOLDER = re.compile(r"<[a-z][^<>]*>")  # <a slot id>, <the booking qr_token>: filled in by hand
MARKER = "@@readme-command-{}@@"
START_TIMEOUT, RUN_TIMEOUT = 180, 240  # seconds: a first scripts/run may install the venv

pytestmark = pytest.mark.walkthrough


@dataclass
class Command:
    text: str
    answer: list[str] = field(default_factory=list)  # pieces, in order


def walkthrough_blocks(markdown: str) -> list[str]:
    """The fenced blocks from the section's heading to the next heading of its level."""
    section = markdown.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```[a-z]*\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)


def complete(text: str) -> bool:
    """Whether lines so far make whole shell commands: no open quote, no trailing backslash."""
    if text.endswith("\\"):
        return False
    try:
        shlex.split(text, comments=False)
    except ValueError:  # a quote left open: a multi-line argument (python3 -c '...') goes on
        return False
    return True


def pieces(answer: str) -> list[str]:
    return [piece.strip() for piece in answer.split("…") if piece.strip()]


def parse(block: str) -> list[Command]:
    """Logical commands (continued by backslashes or open quotes) with the answers their comments show."""
    commands, pending = [], []
    for line in block.splitlines():
        if pending:
            pending.append(line)
        elif match := ANSWER_LINE.match(line):
            assert commands, f"an answer line with no command above it: {line}"
            commands[-1].answer += pieces(match["answer"])
            continue
        elif not line.strip() or line.lstrip().startswith("#"):
            continue
        else:
            pending = [line]
        text = "\n".join(pending)
        if complete(text):
            match = ANSWER.search(pending[-1])
            commands.append(Command(text, pieces(match["answer"]) if match else []))
            pending = []
    assert not pending, f"an unfinished command: {pending}"
    return commands


def stop(process: subprocess.Popen) -> None:
    """Stop the server's process group: Ctrl-C first (it stops the scheduler and the stand-in)."""
    for sig, wait in ((signal.SIGINT, 15), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def server(tmp_path):
    """A fresh ``scripts/run`` on free ports, with its database (and scheduler lock) under tmp_path."""
    api_port, standin_port = free_ports(2)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "FLASK_", "TEST_"))}
    env.update(
        CLOUDPLATFORM_ENV="development",
        PORT=str(api_port),
        WECHAT_API_BASE=f"http://127.0.0.1:{standin_port}/",
        DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
        REDIS_URL="",
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603  (the repository's own script)
            [str(ROOT / "scripts" / "run")],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped whole afterwards
        )
    base = f"http://127.0.0.1:{api_port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"scripts/run ended ({process.returncode}):\n{log_path.read_text()[-3000:]}")
            try:
                if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"scripts/run not ready in {START_TIMEOUT} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield {"api": base, "standin": f"http://127.0.0.1:{standin_port}", "log": log_path}
    finally:
        stop(process)


def test_walkthrough_is_well_formed():
    blocks = walkthrough_blocks(README.read_text())
    commands = [command for block in blocks for command in parse(block)]
    assert len(blocks) >= 3 and len(commands) >= 30
    assert sum(bool(c.answer) for c in commands) >= 20
    for command in commands:
        assert not PLACEHOLDER.search(command.text), f"a placeholder to fill in by hand: {command.text}"
    # the story's ends are shown: a search in Chinese, a booking checked in, the message sent
    answers = " ".join(piece for c in commands for piece in c.answer)
    for shown in ('"title":"老年证办理"', '"status":"checked_in"', "dev-tmpl-residency-result"):
        assert shown in answers


def test_parse_joins_continued_lines_and_collects_answers():
    commands = parse(
        "A=1\n"
        'curl -s x \\\n  -d \'{}\'   # words → {"a":1} … "b":2\n'
        '# → "c":3\n'
        "# a comment\n"
        "X=$(python3 -c '\nprint(1)  # not → an answer\n')\n"
    )
    assert [c.text.splitlines()[0] for c in commands] == ["A=1", "curl -s x \\", "X=$(python3 -c '"]
    assert [c.answer for c in commands] == [[], ['{"a":1}', '"b":2', '"c":3'], []]


def test_readme_walkthrough_runs_as_written(server, tmp_path):
    text = README.read_text()
    text = text.replace(API_BASE, server["api"]).replace(STANDIN_BASE, server["standin"])
    commands = [command for block in walkthrough_blocks(text) for command in parse(block)]
    script = ["set -e -o pipefail"]
    (tmp_path / "scripts").symlink_to(ROOT / "scripts")  # scripts/cabinet as from the repository's root
    for number, command in enumerate(commands):
        script += [f"printf '\\n{MARKER.format(number)}\\n'", command.text]
    run = subprocess.run(  # noqa: S603  (the README's own commands)
        [shutil.which("bash") or "/bin/bash", "-c", "\n".join(script)],
        cwd=tmp_path,  # qr.png lands here
        env=os.environ,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
    )
    outputs = dict.fromkeys(range(len(commands)), None)
    parts = re.split(r"\n" + MARKER.format(r"(\d+)") + r"\n", run.stdout)
    for number, output in zip(parts[1::2], parts[2::2], strict=True):
        outputs[int(number)] = output.strip()
    last = max((n for n, out in outputs.items() if out is not None), default=None)

    def report(number: int, problem: str) -> str:
        return (
            f"{problem}\n--- command {number}:\n{commands[number].text}\n--- its output:\n{outputs[number]}"
            f"\n--- stderr:\n{run.stderr[-2000:]}\n--- server log:\n{server['log'].read_text()[-3000:]}"
        )

    assert run.returncode == 0, report(last, f"the walkthrough stopped (exit {run.returncode})")
    for number, command in enumerate(commands):
        output, position = outputs[number], 0
        for piece in command.answer:
            found = output.find(piece, position)
            assert found >= 0, report(number, f"the answer lacks {piece!r}")
            position = found + len(piece)
    assert (tmp_path / "qr.png").read_bytes().startswith(b"\x89PNG")
    # a search typed raw into a URL works on the development server too (gunicorn would answer 400)
    port = int(server["api"].rsplit(":", 1)[1])
    status, found = raw_get(port, "/api/v1/services/guides?q=老年证&community_id=1".encode())
    assert status == 200 and [g["title"] for g in found["items"]] == ["老年证办理"]
    assert (tmp_path / "x.db.scheduler-lock").exists()  # the scheduler ran on this database, not instance/
