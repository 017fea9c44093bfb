"""云柜 in the console: 云柜列表, a cabinet's grid and its actions, 存件, 存取记录, 待回收 and 告警 as
community workers use them — pages for each right, another community's cabinets and deposits answer 404
and stay unchanged, a deposit from the form never shows its code, bad input shows its errors and changes
nothing, a rotated key's secret is shown once, lists in a fixed number of statements.

The clock stands on Monday 2026-12-07 10:00 in Asia/Shanghai.
"""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from cloudplatform.clock import LOCAL_TZ, now
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    RESIDENT,
    STREET_ADMIN,
    Membership,
)
from cloudplatform.locker import operations
from cloudplatform.locker.models import CANCELLED as DEPOSIT_CANCELLED
from cloudplatform.locker.models import (
    EXPIRED,
    FREE,
    OCCUPIED,
    OPENING,
    WAITING,
    Cabinet,
    CabinetKey,
    Compartment,
    Deposit,
)
from tests.admin.console import sign_in_as, submit, text
from tests.admin.list_pages import ids_on, row_of
from tests.helpers import count_queries
from tests.world import wechat_user

START = datetime(2026, 12, 7, 10, 0, tzinfo=LOCAL_TZ)
CABINETS, DEPOSITS, NEW = "/admin/locker/cabinets", "/admin/locker/deposits", "/admin/locker/deposits/new"
RETRIEVALS, ALERTS = "/admin/locker/retrievals", "/admin/locker/alerts"
ROLES = [GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN]
MANAGERS = {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN}
LAYOUT = "S" * 12 + "M" * 8 + "L" * 4  # 24 compartments, as the district's cabinets have


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def make_cabinet(db, community, name="火炬路服务中心云柜", seen=True) -> Cabinet:
    cabinet = Cabinet(
        community_id=community.id,
        name=name,
        location="党群服务中心东侧",
        last_seen_at=now() - timedelta(minutes=1) if seen else None,
    )
    db.session.add(cabinet)
    db.session.flush()
    db.session.add_all(
        Compartment(cabinet_id=cabinet.id, community_id=community.id, number=n, size=size)
        for n, size in enumerate(LAYOUT, 1)
    )
    db.session.add(CabinetKey(cabinet_id=cabinet.id, key_id=f"cab{cabinet.id}-first", secret="0" * 64))
    db.session.commit()
    return cabinet


def resident(db, community, nickname: str, phone: str | None = None):
    user = wechat_user(nickname, phone=phone)
    db.session.add(Membership(user_id=user.id, community_id=community.id, role=RESIDENT))
    db.session.commit()
    return user


def deposited(db, world, cabinet, user, item="高龄津贴证明材料", size="S"):
    issued = operations.deposit(world.staff[COMMUNITY_STAFF], cabinet.id, user.id, size, item)
    db.session.commit()
    return issued


def fresh(db, model, record_id):
    db.session.commit()  # end the test's transaction: see what the request committed
    return db.session.get(model, record_id)


def deposit_count(db) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Deposit))


@pytest.fixture
def cabinet(db, world):
    return make_cabinet(db, world.home)


@pytest.fixture
def foreign(db, world):
    """A cabinet of another street's community, with a waiting deposit."""
    cabinet = make_cabinet(db, world.elsewhere, name="别处云柜")
    user = resident(db, world.elsewhere, "别处居民")
    issued = operations.deposit(None, cabinet.id, user.id, "S", "别处的物品")
    db.session.commit()
    return cabinet, issued.deposit


@pytest.fixture
def zhang(db, world):
    return resident(db, world.home, "张秀兰", phone="13800005678")


@pytest.fixture
def worker(client, world):
    return sign_in_as(client, world.staff[GRID_WORKER])


@pytest.fixture
def admin(client, world):
    return sign_in_as(client, world.staff[COMMUNITY_ADMIN])


# -- pages by right ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", [CABINETS, DEPOSITS, NEW, RETRIEVALS, ALERTS])
def test_every_role_opens_the_lists(client, world, cabinet, path, role):
    sign_in_as(client, world.staff[role])
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_grid_shows_the_managers_actions_only_to_managers(client, world, cabinet, role):
    sign_in_as(client, world.staff[role])
    page = text(client.get(f"{CABINETS}/{cabinet.id}"))
    assert page.count('data-compartment="') == 24
    assert ('data-block="keys"' in page) is (role in MANAGERS)


@pytest.mark.parametrize("role", [GRID_WORKER, COMMUNITY_STAFF])
def test_workers_may_not_rotate_keys(client, db, world, cabinet, role):
    sign_in_as(client, world.staff[role])
    response = submit(client, f"{CABINETS}/{cabinet.id}/keys", page=f"{CABINETS}/{cabinet.id}")
    assert response.status_code == 403
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(CabinetKey.cabinet_id == cabinet.id)) == 1


# -- 云柜列表 and the grid ----------------------------------------------------------------------------


def test_the_list_shows_state_and_free_and_occupied_by_size(client, db, world, cabinet, zhang, worker):
    make_cabinet(db, world.home, name="金河尚居云柜", seen=False)
    deposited(db, world, cabinet, zhang)
    page = text(client.get(CABINETS))
    row = row_of(page, "cabinet", cabinet.id)
    assert 'data-state="online"' in row
    assert re.search(
        r'data-size="S">小格：<strong data-free>11</strong> / <span data-occupied>1</span> / 12', row
    )
    assert 'data-size="L">大格：<strong data-free>4</strong>' in row
    assert ids_on(text(client.get(CABINETS, query_string={"state": "offline"})), "cabinet") != [
        str(cabinet.id)
    ]
    assert len(ids_on(text(client.get(CABINETS, query_string={"q": "金河"})), "cabinet")) == 1


def test_a_street_admin_filters_by_community(client, db, world, cabinet):
    neighbours = make_cabinet(db, world.neighbour, name="邻居云柜")
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert sorted(ids_on(text(client.get(CABINETS)), "cabinet")) == sorted(
        [str(cabinet.id), str(neighbours.id)]
    )
    chosen = text(client.get(CABINETS, query_string={"community_id": world.neighbour.id}))
    assert ids_on(chosen, "cabinet") == [str(neighbours.id)]


def test_the_grid_shows_item_and_masked_recipient_never_the_code(client, db, world, cabinet, worker):
    user = resident(db, world.home, "张秀兰")
    db.session.add(Membership(user_id=user.id, community_id=world.home.id, role="volunteer"))
    db.session.commit()
    issued = deposited(db, world, cabinet, user, item="救助物资")
    page = text(client.get(f"{CABINETS}/{cabinet.id}"))
    cell = re.search(r'data-compartment="1" data-state="occupied">(.*?)</div>\s*</div>', page, re.S).group(1)
    assert "救助物资" in cell
    assert "张**" in cell
    assert issued.code not in page and issued.qr_token not in page
    assert '<span data-legend="fault">' in page


def test_the_list_runs_the_same_statements_however_many(app, client, db, world, cabinet, worker):
    with count_queries(app) as one:
        client.get(CABINETS)
    for i in range(5):
        make_cabinet(db, world.home, name=f"云柜{i}")
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(CABINETS)), "cabinet")) == 6
    assert len(many) == len(one) <= 4  # the account, the total, the page, the counts


# -- 存件 --------------------------------------------------------------------------------------------


def test_a_deposit_from_the_form_never_shows_its_code(client, db, world, cabinet, zhang, worker):
    response = submit(
        client,
        NEW,
        {"cabinet_id": cabinet.id, "recipient_user_id": zhang.id, "size": "M", "item": "老年证"},
        page=NEW,
    )
    assert response.status_code == 200
    db.session.commit()
    made = db.session.scalar(select(Deposit))
    assert (made.status, made.item, made.recipient_user_id, made.size) == (WAITING, "老年证", zhang.id, "M")
    assert db.session.get(Compartment, made.compartment_id).state == OCCUPIED
    code, token = operations.codes_of(made)
    success = text(response)
    assert "存件成功" in success and "已通过微信通知" in success and "张**" in success
    pages = [success] + [
        text(client.get(path))
        for path in (f"{CABINETS}/{cabinet.id}", DEPOSITS, f"{DEPOSITS}/{made.id}", CABINETS, "/admin/audit")
    ]
    for page in pages:
        assert code not in page
        assert token not in page


def test_the_codes_the_operation_returned_are_nowhere_in_the_console(client, db, world, cabinet, zhang):
    issued = deposited(db, world, cabinet, zhang)
    sign_in_as(client, world.staff[CITY_ADMIN])
    for path in (f"{CABINETS}/{cabinet.id}", DEPOSITS, f"{DEPOSITS}/{issued.deposit.id}", "/admin/audit"):
        page = text(client.get(path))
        assert issued.code not in page and issued.qr_token not in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"item": ""}, "请填写物品"),
        ({"item": "x" * 101}, "物品不能超过 100 字"),
        ({"recipient_user_id": ""}, "请选择收件居民"),
        ({"recipient_user_id": "abc"}, "请从候选中选择收件居民"),
        ({"size": "XL"}, "请选择格口大小"),
        ({"cabinet_id": ""}, "请选择云柜"),
    ],
)
def test_bad_input_shows_its_error_and_changes_nothing(
    client, db, world, cabinet, zhang, worker, change, message
):
    form = {"cabinet_id": cabinet.id, "recipient_user_id": zhang.id, "size": "S", "item": "老年证"} | change
    response = submit(client, NEW, form, page=NEW)
    assert response.status_code == 422
    assert message in text(response)
    assert deposit_count(db) == 0


def test_a_resident_of_another_community_is_refused_at_the_field(client, db, world, cabinet, worker):
    stranger = resident(db, world.neighbour, "邻居")
    form = {"cabinet_id": cabinet.id, "recipient_user_id": stranger.id, "size": "S", "item": "老年证"}
    response = submit(client, NEW, form, page=NEW)
    assert response.status_code == 422
    assert "收件人不是该云柜所在社区的居民" in text(response)
    assert deposit_count(db) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(Compartment.state == OCCUPIED)) == 0


def test_another_communitys_cabinet_is_not_offered(client, db, world, cabinet, zhang, foreign, worker):
    form = {"cabinet_id": foreign[0].id, "recipient_user_id": zhang.id, "size": "S", "item": "老年证"}
    response = submit(client, NEW, form, page=NEW)
    assert response.status_code == 422
    assert "请选择云柜" in text(response)
    assert deposit_count(db) == 1  # only the foreign one


def test_a_full_cabinet_is_refused_on_the_page(client, db, world, cabinet, zhang, worker):
    db.session.execute(Compartment.__table__.update().values(state=OCCUPIED))
    db.session.commit()
    form = {"cabinet_id": cabinet.id, "recipient_user_id": zhang.id, "size": "L", "item": "轮椅"}
    response = submit(client, NEW, form, page=NEW)
    assert "该云柜暂无合适的空闲格口" in text(response)
    assert deposit_count(db) == 0


def test_the_picker_offers_residents_of_the_cabinets_community_only(
    client, db, world, cabinet, zhang, worker
):
    resident(db, world.neighbour, "张邻居")
    found = client.get(
        "/admin/locker/pick/recipients", query_string={"cabinet_id": cabinet.id, "q": "张"}
    ).json
    assert [item["id"] for item in found["items"]] == [zhang.id]
    assert found["items"][0]["label"].startswith("张**")
    by_phone = client.get(
        "/admin/locker/pick/recipients", query_string={"cabinet_id": cabinet.id, "q": "5678"}
    )
    assert [item["id"] for item in by_phone.json["items"]] == [zhang.id]


# -- another community's records ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [GRID_WORKER, COMMUNITY_ADMIN, STREET_ADMIN])
def test_another_communitys_cabinet_answers_404_and_stays_unchanged(client, db, world, foreign, role):
    cabinet, deposit = foreign
    sign_in_as(client, world.staff[role])
    here = f"{CABINETS}/{cabinet.id}"
    assert client.get(here).status_code == 404
    assert (
        client.get(
            "/admin/locker/pick/recipients", query_string={"cabinet_id": cabinet.id, "q": "别"}
        ).status_code
        == 404
    )
    refused = 404 if role in MANAGERS else 403  # the manager's actions: the right first
    assert submit(client, f"{here}/keys").status_code == refused
    assert submit(client, f"{here}/open", {"deposit_id": deposit.id, "reason": "测试"}).status_code == refused
    assert submit(client, f"{here}/enabled", {"enabled": "0"}).status_code == refused
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(CabinetKey.cabinet_id == cabinet.id)) == 1
    assert fresh(db, Deposit, deposit.id).status == WAITING


@pytest.mark.parametrize("role", [GRID_WORKER, COMMUNITY_ADMIN, STREET_ADMIN])
def test_another_communitys_deposit_answers_404_and_stays_unchanged(client, db, world, foreign, role):
    _, deposit = foreign
    sign_in_as(client, world.staff[role])
    assert client.get(f"{DEPOSITS}/{deposit.id}").status_code == 404
    assert submit(client, f"{DEPOSITS}/{deposit.id}/cancel").status_code == 404
    assert submit(client, f"{DEPOSITS}/{deposit.id}/retrieve").status_code == 404
    assert str(deposit.id) not in ids_on(text(client.get(DEPOSITS)), "deposit")
    assert fresh(db, Deposit, deposit.id).status == WAITING


def test_a_deposit_of_another_cabinet_is_not_opened_from_this_one(client, db, world, cabinet, foreign, admin):
    _, deposit = foreign
    response = submit(client, f"{CABINETS}/{cabinet.id}/open", {"deposit_id": deposit.id, "reason": "测试"})
    assert response.status_code == 404
    assert fresh(db, Deposit, deposit.id).status == WAITING


# -- the cabinet's actions ---------------------------------------------------------------------------


def test_key_rotation_shows_the_secret_once(client, db, world, cabinet, admin):
    here = f"{CABINETS}/{cabinet.id}"
    response = submit(client, f"{here}/keys", page=here)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    db.session.commit()
    key = db.session.scalar(
        select(CabinetKey).where(CabinetKey.cabinet_id == cabinet.id).order_by(CabinetKey.id.desc())
    )
    shown = text(response)
    assert f'<div class="secret" data-field="secret">{key.secret}</div>' in shown
    assert "只显示这一次" in shown
    again = text(client.get(here))
    assert key.secret not in again
    assert f'data-key="{key.key_id}"' in again  # listed by its id, without the secret


def test_remote_open_needs_a_reason_and_changes_nothing_without(client, db, world, cabinet, zhang, admin):
    issued = deposited(db, world, cabinet, zhang)
    here = f"{CABINETS}/{cabinet.id}"
    response = submit(client, f"{here}/open", {"deposit_id": issued.deposit.id, "reason": ""}, page=here)
    assert response.status_code == 422
    assert "请填写开柜原因" in text(response)
    assert fresh(db, Deposit, issued.deposit.id).status == WAITING


def test_remote_open_with_a_reason_opens_on_the_next_heartbeat(client, db, world, cabinet, zhang, admin):
    issued = deposited(db, world, cabinet, zhang)
    here = f"{CABINETS}/{cabinet.id}"
    form = {"deposit_id": issued.deposit.id, "reason": "居民手机丢失，已核实身份"}
    response = submit(client, f"{here}/open", form, page=here)
    assert "已向火炬路服务中心云柜发送开柜指令：1 号格" in text(response)
    assert fresh(db, Deposit, issued.deposit.id).status == OPENING
    assert issued.code not in text(response)


def test_a_refused_remote_open_is_shown_on_the_page(client, db, world, cabinet, zhang, admin):
    issued = deposited(db, world, cabinet, zhang)
    operations.cancel_deposit(world.staff[COMMUNITY_STAFF], issued.deposit)
    db.session.commit()
    here = f"{CABINETS}/{cabinet.id}"
    response = submit(client, f"{here}/open", {"deposit_id": issued.deposit.id, "reason": "测试"}, page=here)
    assert "该存件已不在待取件状态" in text(response)


# -- 存取记录, a deposit's page, 待回收 and 告警 ------------------------------------------------------------


def test_deposits_are_searched_by_item_or_recipient_and_filtered_by_status(
    client, db, world, cabinet, zhang, worker
):
    li = resident(db, world.home, "李建国")
    first = deposited(db, world, cabinet, zhang, item="老年证").deposit
    second = deposited(db, world, cabinet, li, item="救助物资").deposit
    operations.cancel_deposit(world.staff[COMMUNITY_STAFF], second)
    db.session.commit()
    assert ids_on(text(client.get(DEPOSITS, query_string={"q": "老年"})), "deposit") == [str(first.id)]
    assert ids_on(text(client.get(DEPOSITS, query_string={"q": "李建国"})), "deposit") == [str(second.id)]
    page = text(client.get(DEPOSITS, query_string={"status": "cancelled"}))
    assert ids_on(page, "deposit") == [str(second.id)]
    assert '<span data-count="waiting">1</span>' in page
    tomorrow = (START + timedelta(days=1)).date().isoformat()
    assert ids_on(text(client.get(DEPOSITS, query_string={"from": tomorrow})), "deposit") == []


def test_the_deposits_list_runs_the_same_statements_however_many(
    app, client, db, world, cabinet, zhang, worker
):
    deposited(db, world, cabinet, zhang)
    with count_queries(app) as one:
        client.get(DEPOSITS)
    for i in range(5):
        deposited(db, world, cabinet, zhang, item=f"物品{i}")
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(DEPOSITS)), "deposit")) == 6
    assert len(many) == len(one) <= 6  # the account, the total, the page, the status counts, the people


def test_a_deposit_cancelled_from_its_page_frees_the_compartment(client, db, world, cabinet, zhang, worker):
    issued = deposited(db, world, cabinet, zhang)
    here = f"{DEPOSITS}/{issued.deposit.id}"
    response = submit(client, f"{here}/cancel", page=here)
    assert "已取消存件" in text(response)
    assert fresh(db, Deposit, issued.deposit.id).status == DEPOSIT_CANCELLED
    assert db.session.get(Compartment, issued.deposit.compartment_id).state == FREE
    assert '<li data-step="工作人员取消存件">' in text(client.get(here))


def test_an_expired_deposit_is_a_retrieval_task_opened_from_the_list(
    client, db, world, cabinet, zhang, clock
):
    issued = deposited(db, world, cabinet, zhang)
    clock.move_to(START + timedelta(hours=73))
    operations.expire_deposits()
    db.session.commit()
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get(RETRIEVALS))
    assert ids_on(page, "deposit") == [str(issued.deposit.id)]
    response = submit(
        client, f"{DEPOSITS}/{issued.deposit.id}/retrieve", {"back": "retrievals"}, page=RETRIEVALS
    )
    assert "取出物品并关门后完成回收" in text(response)
    assert 'data-field="retrieving"' in text(response)
    after = fresh(db, Deposit, issued.deposit.id)
    assert after.status == EXPIRED and after.finished_by_id == world.staff[GRID_WORKER].id
    history = text(client.get(f"{DEPOSITS}/{issued.deposit.id}"))
    assert '<li data-step="超时未取，待工作人员回收">' in history
    assert '<li data-step="工作人员开柜回收">' in history


def test_alerts_show_offline_cabinets(client, db, world, cabinet, worker):
    silent = make_cabinet(db, world.home, name="失联云柜", seen=False)
    page = text(client.get(ALERTS))
    assert ids_on(page, "cabinet") == [str(silent.id)]
    assert "从未上线" in page


def test_the_dashboard_counts_occupancy_offline_and_retrievals(client, db, world, cabinet, zhang, worker):
    make_cabinet(db, world.home, name="失联云柜", seen=False)
    deposited(db, world, cabinet, zhang)
    page = text(client.get("/admin/"))
    assert '<div class="value" data-locker-count="occupancy">1 / 48</div>' in page
    assert '<div class="value" data-locker-count="offline">1</div>' in page
    assert '<div class="value" data-locker-count="retrievals">0</div>' in page
