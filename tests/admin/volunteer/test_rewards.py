"""爱心超市 and 兑换核销 in the console: an admin puts a reward on the shelf, edits, restocks and shelves it;
staff hand a redemption over by the scanned token or a button, put a locker one into a cabinet and cancel
one with a reason (points back); a grid worker sees the queue but not the shelf; another community's
records answer 404; refusals are flashed and change nothing."""

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.locker.models import Deposit
from cloudplatform.volunteer.models import Redemption, Reward
from cloudplatform.volunteer.rewards.operations import redeem, redemption_token
from tests.admin.console import sign_in_as, submit, text
from tests.locker.core import make_cabinet
from tests.service.uploads.files import PDF, png
from tests.volunteer.points_fixtures import balance, clock
from tests.volunteer.reward_fixtures import make_reward, rich_volunteer, stock_of
from tests.world import log_in

__all__ = ["clock"]

pytestmark = pytest.mark.usefixtures("clock")

SHELF = "/admin/volunteer/rewards"
QUEUE = "/admin/volunteer/redemptions"


def status_of(redemption_id):
    _db.session.expire_all()
    return _db.session.get(Redemption, redemption_id).status


def redeemed(world, name="zhiyuan", delivery="counter", **reward):
    cabinet_id = None
    if delivery == "locker":
        cabinet_id = make_cabinet(world.home)[0].id
        _db.session.commit()
    who = rich_volunteer(world, world.home, name, 200)
    made = redeem(who.user, make_reward(world.home, **reward).id, delivery, cabinet_id)
    _db.session.commit()
    return who, made


def test_an_admin_keeps_the_shelf(client, world):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    page = submit(
        client,
        SHELF,
        {
            "community_id": world.home.id,
            "name": "保温杯",
            "donor": "宝鸡高新区管委会",
            "price": "40",
            "stock": "5",
            "per_person": "1",
            "limit_period": "month",
            "size": "M",
            "description": "500毫升",
        },
        page=SHELF,
    )
    assert page.status_code == 200 and "已上架 保温杯" in text(page)
    reward = _db.session.scalar(sa.select(Reward).where(Reward.name == "保温杯"))
    assert (reward.price, reward.stock, reward.size) == (40, 5, "M")
    assert "云柜自取（中格）" in text(client.get(SHELF))
    edited = submit(
        client,
        f"{SHELF}/{reward.id}",
        {
            "name": "保温杯500ml",
            "donor": "宝鸡高新区管委会",
            "price": "35",
            "per_person": "",
            "limit_period": "year",
            "size": "",
        },
        page=f"{SHELF}/{reward.id}",
    )
    assert "已保存 保温杯500ml" in text(edited)
    assert "已调整" in text(submit(client, f"{SHELF}/{reward.id}/restock", {"amount": "-5"}, page=SHELF))
    refused = submit(client, f"{SHELF}/{reward.id}/restock", {"amount": "-1"}, page=SHELF)
    assert "库存不足以扣减" in text(refused)
    assert "已下架" in text(submit(client, f"{SHELF}/{reward.id}/shelf", {"on": "0"}, page=SHELF))
    _db.session.expire_all()
    reward = _db.session.get(Reward, reward.id)
    assert (reward.name, reward.price, reward.per_person, reward.size, reward.stock, reward.status) == (
        "保温杯500ml",
        35,
        None,
        None,
        0,
        "off_shelf",
    )
    bad = client.post(SHELF, data={"csrf_token": "x"})
    assert bad.status_code in (400, 422)


def test_staff_hand_over_by_the_scanned_token_and_by_a_button(client, world):
    _, first = redeemed(world, name="zhiyuan", price=30)
    _, second = redeemed(world, name="other", price=20)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    queue = text(client.get(QUEUE))
    assert "z******" in queue and "兑换核销" in queue
    done = submit(client, f"{QUEUE}/scan", {"token": redemption_token(first.id)}, page=QUEUE)
    assert "已核销：洗衣液" in text(done)
    assert status_of(first.id) == "fulfilled"
    again = submit(client, f"{QUEUE}/scan", {"token": redemption_token(first.id)}, page=QUEUE)
    assert "该兑换已领取或已取消" in text(again)
    assert "兑换记录不存在" in text(submit(client, f"{QUEUE}/scan", {"token": "nonsense"}, page=QUEUE))
    submit(client, f"{QUEUE}/{second.id}/fulfil", page=QUEUE)
    assert status_of(second.id) == "fulfilled"
    assert "已领取" in text(client.get(QUEUE, query_string={"status": "fulfilled"}))


def test_a_locker_redemption_goes_into_a_cabinet_and_a_cancellation_refunds(client, world):
    who, made = redeemed(world, delivery="locker", price=40, size="S")
    sign_in_as(client, world.staff[GRID_WORKER])
    assert "存入云柜" in text(client.get(QUEUE))
    cabinet_id = made.cabinet_id
    put = submit(client, f"{QUEUE}/{made.id}/deposit", {"cabinet_id": str(cabinet_id)}, page=QUEUE)
    assert "已存入云柜" in text(put)
    _db.session.expire_all()
    deposit_id = _db.session.get(Redemption, made.id).deposit_id
    assert deposit_id is not None
    assert "请填写取消原因" in text(submit(client, f"{QUEUE}/{made.id}/cancel", {"reason": ""}, page=QUEUE))
    assert status_of(made.id) == "reserved"
    cancelled = submit(client, f"{QUEUE}/{made.id}/cancel", {"reason": "物品破损"}, page=QUEUE)
    assert "积分已退还" in text(cancelled)
    assert status_of(made.id) == "cancelled" and balance(who.user_id) == 200
    assert _db.session.get(Deposit, deposit_id).status == "cancelled"
    assert stock_of(made.reward_id) == 10


def test_a_grid_worker_has_the_queue_but_not_the_shelf(client, world):
    sign_in_as(client, world.staff[GRID_WORKER])
    assert client.get(SHELF).status_code == 403
    assert client.get(QUEUE).status_code == 200


def test_another_communitys_records_answer_404(client, world):
    _, made = redeemed(world)
    theirs = make_reward(world.elsewhere)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert client.get(f"{SHELF}/{theirs.id}").status_code == 404
    other = rich_volunteer(world, world.elsewhere, "far", 100)
    far = redeem(other.user, theirs.id, "counter")
    _db.session.commit()
    assert client.post(f"{QUEUE}/{far.id}/fulfil", data={}).status_code in (400, 404)
    answer = submit(client, f"{QUEUE}/{far.id}/fulfil", page=QUEUE)
    assert answer.status_code == 404 and status_of(far.id) == "reserved"
    assert status_of(made.id) == "reserved"


def test_a_reward_gets_its_picture_and_volunteers_see_it(client, world):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    fields = {
        "community_id": world.home.id,
        "name": "雨伞",
        "price": "20",
        "stock": "3",
        "limit_period": "month",
    }
    refused = submit(client, SHELF, {**fields, "picture": (io.BytesIO(PDF), "伞.pdf")}, page=SHELF)
    assert "只能上传 JPEG、PNG 图片或 PDF 文件" not in text(refused)  # the console's own words for images
    assert "“伞.pdf”" in text(refused)
    assert _db.session.scalar(sa.select(sa.func.count(Reward.id))) == 0  # nothing shelved
    done = submit(client, SHELF, {**fields, "picture": (io.BytesIO(png((40, 30))), "伞.png")}, page=SHELF)
    assert "已上架 雨伞" in text(done)
    reward = _db.session.scalar(sa.select(Reward).where(Reward.name == "雨伞"))
    assert reward.picture
    assert "已有物品图片" in text(client.get(f"{SHELF}/{reward.id}"))
    rich_volunteer(world, world.home, "zhiyuan")
    headers = log_in(client, "zhiyuan")
    shown = client.get(f"/api/v1/volunteer/rewards/{reward.id}/picture", headers=headers)
    assert (shown.status_code, shown.mimetype) == (200, "image/png")
    assert Image.open(io.BytesIO(shown.data)).size == (40, 30)
