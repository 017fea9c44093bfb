"""爱心超市's shelf: staff create, change, restock and shelve rewards of their communities (audited, scoped);
a volunteer's shelf shows their community's rewards on the shelf with what they have left of each limit,
in at most 4 SQL statements; the staff's queue shows names masked and never a token."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import LOCAL_TZ
from cloudplatform.errors import Forbidden
from cloudplatform.extensions import db as _db
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN
from cloudplatform.service.uploads.operations import store_upload
from cloudplatform.volunteer.models import OFF_SHELF, ON_SHELF, REDEEM, Reward, RewardCommunity
from cloudplatform.volunteer.rewards import operations
from cloudplatform.volunteer.rewards.errors import InvalidRestock, InvalidRewardFields, RewardNotFound
from tests.helpers import count_queries
from tests.locker.core import make_cabinet
from tests.service.uploads.files import png
from tests.volunteer.points_fixtures import check_ledger, clock
from tests.volunteer.reward_fixtures import ledger_of, make_reward, rich_volunteer, stock_of
from tests.world import log_in

__all__ = ["clock"]

pytestmark = pytest.mark.usefixtures("clock")

API = "/api/v1/volunteer"


def actions() -> list[str]:
    return list(_db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def offered(reward_id: int) -> list[int]:
    return sorted(
        _db.session.scalars(
            sa.select(RewardCommunity.community_id).where(RewardCommunity.reward_id == reward_id)
        )
    )


def test_an_admin_keeps_the_shelf_of_their_community(world):
    admin = world.staff[COMMUNITY_ADMIN]
    reward = operations.create_reward(
        admin,
        [world.home.id],
        stock=5,
        name=" 大米5公斤 ",
        price=120,
        per_person=1,
        limit_period="month",
        donor="宝鸡市粮油公司",
        size="L",
    )
    _db.session.commit()
    assert (reward.name, reward.status, reward.stock, offered(reward.id)) == (
        "大米5公斤",
        ON_SHELF,
        5,
        [world.home.id],
    )
    operations.update_reward(admin, reward, price=100, description="东北大米")
    operations.restock(admin, reward, 3)
    operations.restock(admin, reward, -8)
    with pytest.raises(InvalidRestock):
        operations.restock(admin, reward, -1)  # nothing left to take
    operations.shelve(admin, reward, False)
    _db.session.commit()
    assert (reward.price, reward.stock, reward.status) == (100, 0, OFF_SHELF)
    assert actions()[-5:] == [
        "reward.create",
        "reward.update",
        "reward.restock",
        "reward.restock",
        "reward.unshelve",
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "price": 10}, "name"),
        ({"name": "伞", "price": 0}, "price"),
        ({"name": "伞", "price": True}, "price"),
        ({"name": "伞", "price": 10, "size": "XL"}, "size"),
        ({"name": "伞", "price": 10, "limit_period": "week"}, "limit_period"),
        ({"name": "伞", "price": 10, "per_person": 0}, "per_person"),
        ({"name": "伞", "price": 10, "colour": "red"}, "colour"),
        ({"name": "伞"}, "price"),
    ],
)
def test_bad_reward_fields_are_named(world, fields, field):
    with pytest.raises(InvalidRewardFields) as refused:
        operations.create_reward(world.staff[COMMUNITY_ADMIN], [world.home.id], **fields)
    assert list(refused.value.details["fields"]) == [field]


def test_scope_and_rights(world):
    admin = world.staff[COMMUNITY_ADMIN]
    with pytest.raises(CommunityNotFound):
        operations.create_reward(admin, [world.elsewhere.id], name="伞", price=10)
    with pytest.raises(Forbidden):
        operations.create_reward(world.staff[COMMUNITY_STAFF], [world.home.id], name="伞", price=10)
    theirs = make_reward(world.elsewhere)
    with pytest.raises(RewardNotFound):
        operations.restock(admin, theirs, 1)
    shared = make_reward(world.home, world.elsewhere)  # a city-wide donation
    street = world.staff[STREET_ADMIN]
    operations.update_reward(street, shared, community_ids=[world.neighbour.id])  # its street's only
    _db.session.commit()
    assert offered(shared.id) == sorted([world.neighbour.id, world.elsewhere.id])


def test_the_shelf_shows_what_is_left_in_at_most_four_statements(app, client, world):
    make_cabinet(world.home)
    _db.session.commit()
    rice = make_reward(world.home, name="大米5公斤", price=120, per_person=1, size="L")
    umbrella = make_reward(world.home, name="雨伞", price=30, stock=0)
    make_reward(world.home, name="下架的", status=OFF_SHELF)
    make_reward(world.neighbour, name="别的社区的")
    rich_volunteer(world, world.home, "zhiyuan", 500)
    headers = log_in(client, "zhiyuan")
    client.post(f"{API}/rewards/{rice.id}/redemptions", json={"delivery": "counter"}, headers=headers)
    with count_queries(app) as statements:
        first = client.get(f"{API}/rewards", query_string={"limit": 1}, headers=headers).json
    assert len(statements) <= 4, statements
    rest = client.get(f"{API}/rewards", query_string={"cursor": first["next_cursor"]}, headers=headers).json
    items = first["items"] + rest["items"]
    assert [(r["name"], r["stock"], r["held"], r["left"], r["deliveries"]) for r in items] == [
        ("雨伞", 0, 0, None, ["counter"]),
        ("大米5公斤", 9, 1, 0, ["counter", "locker"]),
    ]
    assert rest["next_cursor"] is None
    assert items[1]["donor"] == "宝鸡高新区管委会" and items[1]["limit_period_name"] == "每月"
    with count_queries(app) as statements:
        one = client.get(f"{API}/rewards/{umbrella.id}", headers=headers)
    assert one.status_code == 200 and len(statements) <= 4
    other = _db.session.scalar(sa.select(Reward.id).where(Reward.name == "别的社区的"))
    assert client.get(f"{API}/rewards/{other}", headers=headers).json["error"]["code"] == "REWARD_NOT_FOUND"


def test_my_redemptions_are_paged_and_the_queue_masks_names(client, world):
    reward = make_reward(world.home, price=10)
    rich_volunteer(world, world.home, "zhiyuan", 100)
    headers = log_in(client, "zhiyuan")
    made = [
        client.post(
            f"{API}/rewards/{reward.id}/redemptions", json={"delivery": "counter"}, headers=headers
        ).json["id"]
        for _ in range(3)
    ]
    first = client.get(f"{API}/redemptions/mine", query_string={"limit": 2}, headers=headers).json
    rest = client.get(
        f"{API}/redemptions/mine", query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
    ).json
    assert [r["id"] for r in first["items"] + rest["items"]] == made[::-1]
    assert all(r["qr_token"] for r in first["items"])
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    queue = client.get("/api/v1/staff/volunteer/redemptions", headers=staff)
    assert queue.status_code == 200
    assert [r["id"] for r in queue.json["items"]] == made  # oldest first
    assert all("qr_token" not in r and r["volunteer_name"] == "z******" for r in queue.json["items"])
    assert stock_of(reward.id) == 7
    resident_answer = client.get("/api/v1/staff/volunteer/redemptions", headers=headers)
    assert resident_answer.status_code == 403


def test_a_rewards_picture_is_served_to_the_communitys_volunteers(client, world):
    admin = world.staff[COMMUNITY_ADMIN]
    stored = store_upload(admin, world.home.id, "保温杯.png", png())
    cup = make_reward(world.home, name="保温杯")
    operations.update_reward(admin, cup, picture=stored.key)
    bare = make_reward(world.home, name="雨伞")
    _db.session.commit()
    rich_volunteer(world, world.home, "zhiyuan", 0)
    headers = log_in(client, "zhiyuan")
    shown = client.get(f"{API}/rewards/{cup.id}", headers=headers).json
    assert shown["picture_url"] == f"{API}/rewards/{cup.id}/picture"
    picture = client.get(shown["picture_url"], headers=headers)
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    missing = client.get(f"{API}/rewards/{bare.id}/picture", headers=headers)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "ATTACHMENT_NOT_FOUND"
    rich_volunteer(world, world.neighbour, "far", 0)
    far = client.get(f"{API}/rewards/{cup.id}/picture", headers=log_in(client, "far"))
    assert far.json["error"]["code"] == "REWARD_NOT_FOUND"


def test_a_redemption_sends_four_statements_on_postgresql(app, client, world, backend):
    """The caller; their registration with their account locked; the reward with the limit's count; and
    the chain of writes (stock, redemption, debit, ledger row, audit row), one statement on PostgreSQL and
    five elsewhere. None for the answer."""
    reward_id = make_reward(world.home, per_person=5, price=50, stock=10).id
    rich = rich_volunteer(world, world.home, "zhiyuan", 500)
    headers, path = log_in(client, "zhiyuan"), f"{API}/rewards/{reward_id}/redemptions"
    with count_queries(app) as statements:
        answer = client.post(path, json={"delivery": "counter"}, headers=headers)
    assert answer.status_code == 201 and answer.json["reward_name"] == "洗衣液"
    assert len(statements) == (4 if backend == "postgres" else 8), statements
    made, who = answer.json["id"], rich.user_id
    audited = _db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "redemption.create")).one()
    assert (audited.actor_type, audited.actor_id, audited.target_id) == ("user", who, str(made))
    assert stock_of(reward_id) == 9
    assert ledger_of(who)[-1] == (REDEEM, -50, made)
    check_ledger()


def test_a_limit_counts_the_redemptions_of_its_beijing_month_or_year(client, world, clock):
    """The shelf and the redemption count a limit over the Beijing calendar month or year it names: at
    00:30 in Beijing on the 1st (still the day before in UTC) a monthly limit starts afresh, on 1 January
    a yearly one too; a limit over all time never does."""
    clock.move_to(datetime(2026, 11, 30, 23, 30, tzinfo=LOCAL_TZ))
    rewards = {
        period: make_reward(world.home, name=name, price=10, per_person=1, limit_period=period)
        for period, name in (("month", "大米"), ("year", "食用油"), ("all", "纪念章"))
    }
    rich_volunteer(world, world.home, "zhiyuan", 500)

    def redeem(period: str) -> str:
        url = f"{API}/rewards/{rewards[period].id}/redemptions"
        answer = client.post(url, json={"delivery": "counter"}, headers=log_in(client, "zhiyuan"))
        return "ok" if answer.status_code == 201 else answer.json["error"]["code"]

    def held_and_left() -> dict:
        items = client.get(f"{API}/rewards", headers=log_in(client, "zhiyuan")).json["items"]
        return {r["limit_period"]: (r["held"], r["left"]) for r in items}

    assert [redeem(period) for period in rewards] == ["ok", "ok", "ok"]
    assert held_and_left() == {"month": (1, 0), "year": (1, 0), "all": (1, 0)}
    assert redeem("month") == "REDEMPTION_LIMIT_REACHED"
    clock.move_to(datetime(2026, 12, 1, 0, 30, tzinfo=LOCAL_TZ))
    assert held_and_left() == {"month": (0, 1), "year": (1, 0), "all": (1, 0)}
    assert [redeem(period) for period in rewards] == [
        "ok",
        "REDEMPTION_LIMIT_REACHED",
        "REDEMPTION_LIMIT_REACHED",
    ]
    clock.move_to(datetime(2027, 1, 1, 0, 30, tzinfo=LOCAL_TZ))
    assert held_and_left() == {"month": (0, 1), "year": (0, 1), "all": (1, 0)}
    assert [redeem(period) for period in rewards] == ["ok", "ok", "REDEMPTION_LIMIT_REACHED"]
