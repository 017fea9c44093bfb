"""The cabinet simulator (scripts/cabinet) signs as the server checks, knows the demo's development keys,
and plays a cabinet against a live server: heartbeat, a pickup that opens a door and closes it, a second
entry of the same code refused, the keypad."""

import importlib.machinery
import importlib.util
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from cloudplatform.locker import demo, signing

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cabinet"


def load_script():
    loader = importlib.machinery.SourceFileLoader("cabinet_script", str(SCRIPT))
    spec = importlib.util.spec_from_loader("cabinet_script", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_simulator_signs_as_the_server_checks():
    cabinet = load_script()
    body = b'{"code": "12345678"}'
    args = ("secret", "POST", "/device/v1/pickups", "1700000000", "n" * 20, body)
    assert cabinet.sign(*args) == signing.sign(*args)


def test_the_simulator_knows_the_demo_keys():
    cabinet = load_script()
    for number in (1, 38):
        key_id, secret = cabinet.demo_key(number)
        assert key_id == demo.demo_key_id(number) and secret == demo.demo_secret(key_id)
        assert len(key_id) <= 32 and len(secret) == 64


def test_the_simulator_says_when_the_server_is_unreachable():
    done = run("--server", "http://127.0.0.1:9", "heartbeat")
    assert done.returncode == 2 and "无法连接服务器" in done.stdout


def run(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (the repository's own script)
        [sys.executable, str(SCRIPT), *argv], input=stdin, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def live(app, db):
    """The app served on a loopback port (each request its own context, as in production), with the demo
    data loaded."""
    from cloudplatform.demo import load_demo_data

    load_demo_data()
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def make_deposit(db, item: str = "证明材料"):
    """A deposit by 赵敏 at the demo's first cabinet for the demo resident; (deposit id, code, qr)."""
    import sqlalchemy as sa

    from cloudplatform.identity.models import StaffAccount, User
    from cloudplatform.locker.models import Cabinet
    from cloudplatform.locker.operations import deposit

    staff = db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == "huoju_staff"))
    resident = db.session.scalar(sa.select(User).where(User.nickname == "张秀兰").order_by(User.id.desc()))
    cabinet = db.session.scalar(sa.select(Cabinet).order_by(Cabinet.id))
    issued = deposit(staff, cabinet.id, resident.id, "S", item)
    db.session.commit()
    return issued.deposit.id, issued.code, issued.qr_token


def deposit_status(db, deposit_id: int) -> str:
    from cloudplatform.locker.models import Deposit

    db.session.expire_all()
    return db.session.get(Deposit, deposit_id).status


def test_the_simulator_plays_a_cabinet_against_a_live_server(live, db):
    beat = run("--server", live, "--cabinets", "3", "heartbeat")
    assert beat.returncode == 0, beat.stdout + beat.stderr
    assert beat.stdout.count("心跳正常") == 3

    deposit_id, code, _ = make_deposit(db)
    opened = run("--server", live, "--cabinet", "1", "pickup", code, "--keep-open")
    assert opened.returncode == 0, opened.stdout + opened.stderr
    assert "号格口 (compartment" in opened.stdout and "打开" in opened.stdout
    number = opened.stdout.split("打开 ", 1)[1].split(" ", 1)[0]

    again = run("--server", live, "--cabinet", "1", "pickup", code)
    assert again.returncode == 1 and "拒绝 (refused)" in again.stdout
    assert "打开" not in again.stdout

    shut = run("--server", live, "--cabinet", "1", "close", number)
    assert shut.returncode == 0 and "柜门已关闭" in shut.stdout
    assert deposit_status(db, deposit_id) == "picked_up"


def test_the_keypad_and_the_qr_code(live, db):
    deposit_id, code, _ = make_deposit(db)
    typed = run("--server", live, "--cabinet", "1", "pickup", stdin=f"{code}\n\nq\n")
    assert typed.returncode == 0, typed.stdout + typed.stderr
    assert "打开" in typed.stdout and "柜门已关闭" in typed.stdout
    assert deposit_status(db, deposit_id) == "picked_up"

    deposit_id, _, qr = make_deposit(db, "救助物资")
    scanned = run("--server", live, "--cabinet", "1", "pickup", f"--qr={qr}", "--close-after", "0")
    assert scanned.returncode == 0, scanned.stdout + scanned.stderr
    assert deposit_status(db, deposit_id) == "picked_up"


def test_a_resident_drops_an_item_off_at_the_simulated_cabinet(live, db):
    import sqlalchemy as sa

    from cloudplatform.identity.models import User
    from cloudplatform.locker.models import Cabinet
    from cloudplatform.locker.operations import reserve_dropoff

    resident = db.session.scalar(sa.select(User).where(User.nickname == "张秀兰").order_by(User.id.desc()))
    cabinet = db.session.scalar(sa.select(Cabinet).order_by(Cabinet.id))
    issued = reserve_dropoff(resident, cabinet.id, "S", "低保复核材料")
    db.session.commit()
    dropped = run("--server", live, "--cabinet", "1", "dropoff", issued.code, "--close-after", "0")
    assert dropped.returncode == 0, dropped.stdout + dropped.stderr
    assert "投递码" in dropped.stdout and "打开" in dropped.stdout
    assert deposit_status(db, issued.deposit.id) == "deposited"


def test_a_wrong_key_is_refused(live):
    done = run("--server", live, "--key-id", "demo-cab-01", "--secret", "0" * 64, "heartbeat")
    assert done.returncode == 1 and "SIGNATURE_INVALID" in done.stdout


def test_a_heartbeat_opens_the_door_staff_opened_remotely(live, db):
    import sqlalchemy as sa

    from cloudplatform.identity.models import StaffAccount
    from cloudplatform.locker.models import Deposit
    from cloudplatform.locker.operations import remote_open

    deposit_id, _, _ = make_deposit(db)
    admin = db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == "huoju_admin"))
    remote_open(admin, db.session.get(Deposit, deposit_id), "居民忘带手机，核实身份后远程开柜")
    db.session.commit()
    beat = run("--server", live, "--cabinet", "1", "heartbeat", "--close-after", "0")
    assert beat.returncode == 0, beat.stdout + beat.stderr
    assert "按工作人员指令" in beat.stdout and "柜门已关闭" in beat.stdout
    assert deposit_status(db, deposit_id) == "picked_up"


def test_the_keypad_shows_the_lockout(live, db):
    """Ten wrong codes lock code entry: the refusal shows CABINET_LOCKED and when to try again."""
    script = load_script()
    cabinet = script.Cabinet(live, *script.demo_key(2))
    refused = []
    for n in range(11):
        try:
            cabinet.pickup(f"{n:08d}")
        except script.Refused as error:
            refused.append(error)
    assert [e.code for e in refused[:10]] == ["CODE_REFUSED"] * 10
    assert refused[10].code == "CABINET_LOCKED" and refused[10].status == 423
    assert int(refused[10].retry_after) > 0 and "秒后再试" in str(refused[10])
    beat = run("--server", live, "--cabinet", "2", "heartbeat")
    assert "暂停输入取件码" in beat.stdout
