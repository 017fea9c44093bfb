"""爱心超市 redemptions: points and stock taken together; the per-person limit in its Beijing calendar period;
refusals that change nothing (too few points, sold out, another community's reward, off the shelf);
cancelling and the uncollected job giving points back as refund rows; the locker flow end to end with the
real locker operations and device API, the pickup completing the redemption."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.locker.models import Deposit
from cloudplatform.notify.models import Notification
from cloudplatform.notify.operations import record_consents
from cloudplatform.volunteer.models import OFF_SHELF, REDEEM, REFUND, Redemption
from cloudplatform.volunteer.rewards import operations
from cloudplatform.volunteer.rewards.errors import RedemptionLimitReached
from cloudplatform.volunteer.rewards.operations import redemption_token
from tests.locker.core import device_post, make_cabinet
from tests.volunteer.fixtures import START, resident
from tests.volunteer.points_fixtures import balance, check_ledger, clock
from tests.volunteer.reward_fixtures import ledger_of, make_reward, redemptions_of, rich_volunteer, stock_of
from tests.world import log_in

__all__ = ["clock"]

pytestmark = pytest.mark.usefixtures("clock")

API = "/api/v1/volunteer"
STAFF = "/api/v1/staff/volunteer"
JOB = next(job for job in JOBS if job.id == "cancel_uncollected_redemptions")


def redeem(client, name, reward, delivery="counter", **body):
    return client.post(
        f"{API}/rewards/{reward.id}/redemptions",
        json={"delivery": delivery, **body},
        headers=log_in(client, name),
    )


def error_of(response):
    return response.status_code, response.json["error"]["code"]


def test_a_counter_redemption_takes_points_and_stock_and_staff_hand_it_over_by_its_qr(client, world):
    reward = make_reward(world.home, price=60, stock=3)
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    answer = redeem(client, "zhiyuan", reward)
    assert answer.status_code == 201, answer.json
    made = answer.json
    assert (made["status"], made["points"], made["delivery_name"]) == ("reserved", 60, "到站领取")
    assert made["qr_token"] == redemption_token(made["id"])
    assert balance(who.user_id) == 40 and stock_of(reward.id) == 2
    assert ledger_of(who.user_id)[-1] == (REDEEM, -60, made["id"])
    counter = log_in(client, f"staff-{COMMUNITY_STAFF}")
    done = client.post(f"{STAFF}/redemptions/fulfil", json={"token": made["qr_token"]}, headers=counter)
    assert done.status_code == 200, done.json
    assert (done.json["status_name"], done.json["volunteer_name"]) == ("已领取", "z******")
    assert "qr_token" not in done.json
    again = client.post(f"{STAFF}/redemptions/fulfil", json={"token": made["qr_token"]}, headers=counter)
    assert error_of(again) == (409, "REDEMPTION_NOT_RESERVED")
    mine = client.get(f"{API}/redemptions/mine", headers=log_in(client, "zhiyuan")).json["items"]
    assert [(r["status"], r["qr_token"]) for r in mine] == [("fulfilled", None)]
    wrong = client.post(f"{STAFF}/redemptions/fulfil", json={"token": "not-a-token"}, headers=counter)
    assert error_of(wrong) == (404, "REDEMPTION_NOT_FOUND")
    check_ledger()


def test_the_limit_holds_per_beijing_calendar_month_and_cancelled_ones_do_not_count(world, clock):
    reward = make_reward(world.home, per_person=2, limit_period="month")
    who = rich_volunteer(world, world.home, "zhiyuan", 1000)
    first = operations.redeem(who.user, reward.id, "counter")
    operations.redeem(who.user, reward.id, "counter")
    _db.session.commit()
    with pytest.raises(RedemptionLimitReached):
        operations.redeem(who.user, reward.id, "counter")
    _db.session.rollback()
    operations.cancel_own_redemption(who.user, _db.session.get(Redemption, first.id))
    operations.redeem(who.user, reward.id, "counter")  # the cancelled one gave its place back
    _db.session.commit()
    with pytest.raises(RedemptionLimitReached):
        operations.redeem(who.user, reward.id, "counter")
    _db.session.rollback()
    clock.move_to(START.replace(month=12, day=31, hour=23, minute=59))  # still December in Beijing
    with pytest.raises(RedemptionLimitReached):
        operations.redeem(who.user, reward.id, "counter")
    _db.session.rollback()
    clock.move_to(START.replace(year=2027, month=1, day=1, hour=0, minute=1))  # 2026-12-31 16:01 UTC
    operations.redeem(who.user, reward.id, "counter")
    _db.session.commit()
    assert len([r for r in redemptions_of(who.user_id) if r.status == "reserved"]) == 3
    check_ledger()


def test_a_yearly_and_an_all_time_limit(world, clock):
    yearly = make_reward(world.home, per_person=1, limit_period="year")
    ever = make_reward(world.home, per_person=1, limit_period="all")
    who = rich_volunteer(world, world.home, "zhiyuan", 1000)
    for reward in (yearly, ever):
        operations.redeem(who.user, reward.id, "counter")
        _db.session.commit()
    clock.move_to(START + timedelta(days=40))  # January 2027
    operations.redeem(who.user, yearly.id, "counter")
    _db.session.commit()
    with pytest.raises(RedemptionLimitReached) as refused:
        operations.redeem(who.user, ever.id, "counter")
    assert refused.value.details == {"limit": 1, "period": "all"}
    _db.session.rollback()


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"price": 600}, (409, "POINTS_INSUFFICIENT")),
        ({"stock": 0}, (409, "REWARD_SOLD_OUT")),
        ({"status": OFF_SHELF}, (409, "REWARD_OFF_SHELF")),
        ({"elsewhere": True}, (404, "REWARD_NOT_FOUND")),
        ({"delivery": "locker"}, (409, "REWARD_LOCKER_NOT_OFFERED")),  # no size: counter only
    ],
    ids=["insufficient points", "sold out", "off the shelf", "another community's", "counter only"],
)
def test_a_refused_redemption_changes_nothing(client, world, setup, expected):
    setup = dict(setup)
    where = world.neighbour if setup.pop("elsewhere", False) else world.home
    delivery = setup.pop("delivery", "counter")
    reward = make_reward(where, **{"price": 50, "stock": 5, **setup})
    who = rich_volunteer(world, world.home, "zhiyuan", 500)
    before = (stock_of(reward.id), ledger_of(who.user_id))
    answer = redeem(client, "zhiyuan", reward, delivery)
    assert error_of(answer) == expected
    assert (stock_of(reward.id), ledger_of(who.user_id)) == before
    assert redemptions_of(who.user_id) == []


def test_only_a_registered_volunteer_redeems(client, world):
    reward = make_reward(world.home)
    resident(world.home, "plain")
    assert error_of(redeem(client, "plain", reward)) == (403, "NOT_VOLUNTEER")
    assert client.get(f"{API}/rewards", headers=log_in(client, "plain")).status_code == 403


def test_cancelling_gives_points_and_stock_back_as_ledger_rows(client, world):
    reward = make_reward(world.home, price=80, stock=1)
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    made = redeem(client, "zhiyuan", reward).json
    assert stock_of(reward.id) == 0
    headers = log_in(client, "zhiyuan")
    cancelled = client.post(f"{API}/redemptions/{made['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["status_name"] == "已取消"
    assert cancelled.json["qr_token"] is None
    assert stock_of(reward.id) == 1 and balance(who.user_id) == 100
    assert ledger_of(who.user_id)[-2:] == [(REDEEM, -80, made["id"]), (REFUND, 80, made["id"])]
    again = client.post(f"{API}/redemptions/{made['id']}/cancel", headers=headers)
    assert error_of(again) == (409, "REDEMPTION_NOT_RESERVED")
    counter = log_in(client, f"staff-{COMMUNITY_STAFF}")
    late = client.post(f"{STAFF}/redemptions/fulfil", json={"token": made["qr_token"]}, headers=counter)
    assert error_of(late) == (409, "REDEMPTION_NOT_RESERVED")
    rich_volunteer(world, world.home, "other", 0)
    theirs = client.post(f"{API}/redemptions/{made['id']}/cancel", headers=log_in(client, "other"))
    assert error_of(theirs) == (404, "REDEMPTION_NOT_FOUND")
    check_ledger()


def test_staff_cancel_with_a_reason_and_the_volunteer_is_told(client, world):
    reward = make_reward(world.home, name="大米5公斤", price=120)
    who = rich_volunteer(world, world.home, "zhiyuan", 200)
    made = redeem(client, "zhiyuan", reward).json
    counter = log_in(client, f"staff-{COMMUNITY_STAFF}")
    bare = client.post(f"{STAFF}/redemptions/{made['id']}/cancel", json={"reason": " "}, headers=counter)
    assert error_of(bare) == (422, "REDEMPTION_CANCEL_REASON_REQUIRED")
    answer = client.post(
        f"{STAFF}/redemptions/{made['id']}/cancel", json={"reason": "大米受潮"}, headers=counter
    )
    assert answer.status_code == 200 and answer.json["cancel_reason"] == "大米受潮"
    assert balance(who.user_id) == 200
    told = _db.session.scalars(
        sa.select(Notification).where(Notification.template_key == "volunteer_redemption")
    ).all()
    assert [(m.user_id, m.data["phrase2"]["value"]) for m in told] == [(who.user_id, "已取消")]
    assert "大米受潮" in told[0].data["thing3"]["value"]


def test_the_uncollected_job_gives_back_once_and_a_second_run_finds_nothing(app, client, world, clock):
    reward = make_reward(world.home, price=30, stock=2)
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    made = redeem(client, "zhiyuan", reward).json
    kept = redeem(client, "zhiyuan", reward).json
    counter = log_in(client, f"staff-{COMMUNITY_STAFF}")
    client.post(f"{STAFF}/redemptions/{kept['id']}/fulfil", headers=counter)
    clock.shift(timedelta(days=7) - timedelta(minutes=1))
    assert run_job(app, JOB) == 0  # not yet
    clock.shift(timedelta(minutes=2))
    assert run_job(app, JOB) == 1
    assert run_job(app, JOB) == 0
    statuses = {r.id: r.status for r in redemptions_of(who.user_id)}
    assert statuses == {made["id"]: "uncollected", kept["id"]: "fulfilled"}
    assert stock_of(reward.id) == 1 and balance(who.user_id) == 70
    assert ledger_of(who.user_id)[-1] == (REFUND, 30, made["id"])
    assert (
        client.get(f"{API}/redemptions/mine", headers=log_in(client, "zhiyuan")).json["items"][1][
            "status_name"
        ]
        == "逾期未领"
    )
    check_ledger()


def test_a_cancellation_message_is_one_wechat_takes(app, world, standin):
    reward = make_reward(world.home, name="家电维修上门服务券（冰箱、洗衣机、空调等大家电）", price=30)
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    made = operations.redeem(who.user, reward.id, "counter")
    operations.cancel_redemption(
        world.staff[COMMUNITY_STAFF], made, "捐赠单位暂停提供该项服务，给您带来不便敬请谅解"
    )
    record_consents(who.user, ["volunteer_redemption"])
    _db.session.commit()
    counts = run_job(app, next(job for job in JOBS if job.id == "deliver_outbox"))
    assert counts["sent"] == 1, counts


# -- by locker ------------------------------------------------------------------------------------------


def test_a_locker_redemption_is_deposited_picked_up_and_thereby_fulfilled(client, world):
    cabinet, key_id, secret = make_cabinet(world.home)
    _db.session.commit()
    reward = make_reward(world.home, name="保温杯", price=40, size="M")
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    shelf = client.get(f"{API}/rewards/{reward.id}", headers=log_in(client, "zhiyuan")).json
    assert shelf["deliveries"] == ["counter", "locker"]
    made = redeem(client, "zhiyuan", reward, "locker", cabinet_id=cabinet.id).json
    assert (made["delivery"], made["qr_token"], made["cabinet_id"]) == ("locker", None, cabinet.id)
    headers = log_in(client, "zhiyuan")
    grid = log_in(client, f"staff-{GRID_WORKER}")
    put = client.post(f"{STAFF}/redemptions/{made['id']}/deposit", json={}, headers=grid)
    assert put.status_code == 200, put.json
    deposit_id = put.json["deposit_id"]
    twice = client.post(f"{STAFF}/redemptions/{made['id']}/deposit", json={}, headers=grid)
    assert error_of(twice) == (409, "REDEMPTION_IN_LOCKER")
    assert error_of(client.post(f"{API}/redemptions/{made['id']}/cancel", headers=headers)) == (
        409,
        "REDEMPTION_IN_LOCKER",
    )
    mine = client.get(f"{API}/redemptions/mine", headers=headers).json["items"][0]
    assert (mine["deposit_id"], mine["status"]) == (deposit_id, "reserved")
    item = next(d for d in client.get("/api/v1/lockers/deposits/mine", headers=headers).json["items"])
    assert (item["id"], item["item"], item["status"]) == (deposit_id, "保温杯", "waiting")
    opened = device_post(client, key_id, secret, "pickups", {"code": item["code"]})
    assert opened.status_code == 200, opened.json
    number = opened.json["compartment"]
    events = [{"type": "door_opened", "compartment": number}, {"type": "door_closed", "compartment": number}]
    assert device_post(client, key_id, secret, "events", {"events": events}).json == {"accepted": 2}
    done = client.get(f"{API}/redemptions/mine", headers=headers).json["items"][0]
    assert (done["status"], done["fulfilled_at"] is not None) == ("fulfilled", True)
    assert balance(who.user_id) == 60
    check_ledger()


def test_staff_cancelling_a_locker_redemption_take_the_item_back_out(client, world, app):
    cabinet, *_ = make_cabinet(world.home)
    _db.session.commit()
    reward = make_reward(world.home, price=40, stock=1, size="S")
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    made = redeem(client, "zhiyuan", reward, "locker").json
    grid = log_in(client, f"staff-{GRID_WORKER}")
    nowhere = client.post(f"{STAFF}/redemptions/{made['id']}/deposit", json={}, headers=grid)
    assert error_of(nowhere) == (404, "REDEMPTION_CABINET_NOT_FOUND")  # none chosen, none given
    deposit_id = client.post(
        f"{STAFF}/redemptions/{made['id']}/deposit", json={"cabinet_id": cabinet.id}, headers=grid
    ).json["deposit_id"]
    answer = client.post(
        f"{STAFF}/redemptions/{made['id']}/cancel", json={"reason": "志愿者要求改为到站领取"}, headers=grid
    )
    assert answer.status_code == 200 and answer.json["status"] == "cancelled"
    assert _db.session.get(Deposit, deposit_id).status == "cancelled"
    assert stock_of(reward.id) == 1 and balance(who.user_id) == 100
    assert run_job(app, JOB) == 0


def test_the_job_leaves_an_item_waiting_in_a_cabinet_until_its_deposit_expires(app, client, world, clock):
    app.config["LOCKER_EXPIRY_HOURS"] = 24 * 10  # the deposit outlives the redemption's 7 days
    cabinet, *_ = make_cabinet(world.home)
    _db.session.commit()
    reward = make_reward(world.home, price=40, size="S")
    who = rich_volunteer(world, world.home, "zhiyuan", 100)
    made = operations.redeem(who.user, reward.id, "locker", cabinet.id)
    _db.session.commit()
    clock.shift(timedelta(days=6))
    operations.deposit_redemption(world.staff[GRID_WORKER], made, cabinet.id)
    _db.session.commit()
    clock.shift(timedelta(days=2))  # past the 7 days, the deposit still waits
    assert run_job(app, JOB) == 0
    clock.shift(timedelta(days=9))
    assert run_job(app, next(job for job in JOBS if job.id == "locker_expiry")) == 1
    assert run_job(app, JOB) == 1
    assert redemptions_of(who.user_id)[0].status == "uncollected" and balance(who.user_id) == 100
