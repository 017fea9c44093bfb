"""A Hypothesis state machine over the points ledger: awards (once per sign-up, under a rule with a
multiplier and a daily cap), corrections, staff adjustments, spending and refunds, and the expiry job, on a
clock that moves forward; and the 爱心超市 through its operations: redeeming (limited stock and a monthly
limit), handing over, cancelling by the volunteer or staff, and the uncollected job. After every step, for
every account: the balance is the sum of its ledger and never below zero, each row's balance_after is the
running sum, a sign-up has at most one earn row, and no redemption got back more than it took; a cancelled
or uncollected redemption got back exactly what it took and a live one nothing; the stock left and the
redemptions holding it add up to the stock given; a refused step changes nothing."""

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF
from cloudplatform.volunteer.models import EARN, REDEEM, REFUND, PointEntry, Redemption
from cloudplatform.volunteer.points.errors import InsufficientPoints, RefundTooLarge
from cloudplatform.volunteer.points.operations import (
    adjust_points,
    award_for_signup,
    correct_award,
    refund,
)
from cloudplatform.volunteer.points.tasks import expire_points
from cloudplatform.volunteer.rewards import operations as rewards
from cloudplatform.volunteer.rewards.errors import (
    RedemptionLimitReached,
    RedemptionNotReserved,
    RewardSoldOut,
)
from tests.volunteer.fixtures import project, volunteer
from tests.volunteer.fixtures import rule as make_rule
from tests.volunteer.points_fixtures import balance, check_ledger, clock, served, spend
from tests.volunteer.reward_fixtures import make_reward, stock_of

__all__ = ["clock"]

CATEGORY = "elderly"
PRICE = 30  # the 爱心超市 reward of each example


def ledger_size() -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(PointEntry))


def redemption_states() -> dict[int, str]:
    """Every 爱心超市 redemption's status, as committed."""
    return dict(_db.session.execute(sa.select(Redemption.id, Redemption.status)).tuples().all())


def redemption_user(redemption: Redemption):
    from cloudplatform.identity.models import User

    return _db.session.get(User, redemption.user_id)


def test_random_steps_keep_the_ledger_whole(app, world, clock):  # noqa: C901  (the machine's rules are its body)
    app.config["POINTS_EXPIRE_DAYS"] = 60  # points expire within a few steps of the clock
    make_rule(
        world.home,
        points_per_hour=10,
        multipliers={CATEGORY: 150},
        daily_cap=40,
        effective_from=date(2000, 1, 1),
    )
    people = [volunteer(world.home, f"v{i}") for i in range(3)]
    elderly = project(world.home, category=CATEGORY)
    admin = world.staff[COMMUNITY_ADMIN]
    redemption_ids = iter(range(10**6, 2 * 10**6))  # spends of no 爱心超市 redemption: apart from real ids
    counter = world.staff[COMMUNITY_STAFF]
    done: set[str] = set()

    def refused(step, error) -> bool:
        """Run ``step``; True if it raised ``error``, having changed nothing."""
        before = ledger_size(), redemption_states()
        try:
            step()
        except error:
            _db.session.rollback()
            assert (ledger_size(), redemption_states()) == before
            return True
        _db.session.commit()
        return False

    class Ledger(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.signups: list = []  # this example's confirmed sign-ups
            self.redemptions: list[tuple[int, int]] = []  # (user id, redemption id)
            self.redeemed: list[int] = []  # this example's 爱心超市 redemptions
            self.shelf = make_reward(world.home, price=PRICE, stock=4, per_person=2, limit_period="month")

        @rule(who=st.sampled_from(range(3)), minutes=st.integers(0, 300), days_ago=st.integers(0, 3))
        def award_points(self, who, minutes, days_ago):
            s = served(elderly, people[who], minutes=minutes, days_ago=days_ago)
            self.signups.append(s)
            if award_for_signup(s, CATEGORY) is not None:
                done.add("award")
            _db.session.commit()

        @precondition(lambda self: self.signups)
        @rule(data=st.data())
        def award_again(self, data):
            s = data.draw(st.sampled_from(self.signups))
            awarded = _db.session.scalar(
                sa.select(PointEntry.id).where(PointEntry.signup_id == s.id, PointEntry.kind == EARN)
            )
            again = award_for_signup(s, CATEGORY)
            assert awarded is None or again is None
            _db.session.commit()

        @precondition(lambda self: self.signups)
        @rule(data=st.data(), minutes=st.integers(0, 300))
        def correct_points(self, data, minutes):
            s = data.draw(st.sampled_from(self.signups))
            s.minutes = minutes
            if correct_award(admin, s, CATEGORY, "时长更正") is not None:
                done.add("correct")
            _db.session.commit()

        @rule(who=st.sampled_from(range(3)), amount=st.integers(-100, 100).filter(bool))
        def adjust_balance(self, who, amount):
            user_id = people[who].user_id
            if not refused(lambda: adjust_points(admin, user_id, amount, "调整"), InsufficientPoints):
                done.add("adjust")

        @rule(who=st.sampled_from(range(3)), amount=st.integers(1, 80))
        def spend_points(self, who, amount):
            user_id, redemption_id = people[who].user_id, next(redemption_ids)
            if not refused(lambda: spend(user_id, amount, redemption_id, world.home.id), InsufficientPoints):
                self.redemptions.append((user_id, redemption_id))
                done.add("spend")

        @precondition(lambda self: self.redemptions)
        @rule(data=st.data(), amount=st.integers(1, 30))
        def refund_points(self, data, amount):
            user_id, redemption_id = data.draw(st.sampled_from(self.redemptions))
            if not refused(lambda: refund(user_id, amount, redemption_id, world.home.id), RefundTooLarge):
                done.add("refund")

        @rule(who=st.sampled_from(range(3)), then=st.sampled_from(["keep", "cancel", "staff", "fulfil"]))
        def redeem_reward(self, who, then):
            user = people[who].user
            failures = (InsufficientPoints, RewardSoldOut, RedemptionLimitReached)
            made: list[int] = []
            if refused(lambda: made.append(rewards.redeem(user, self.shelf.id, "counter").id), failures):
                return
            self.redeemed.extend(made)
            done.add("redeem")
            if then != "keep":  # at once, or later by the rules below
                self.settle(made[0], then)

        def settle(self, redemption_id, how):
            """Cancel (by the volunteer or staff) or hand over a redemption; a second time is refused."""
            redemption = _db.session.get(Redemption, redemption_id)
            steps = {
                "cancel": lambda: rewards.cancel_own_redemption(redemption_user(redemption), redemption),
                "staff": lambda: rewards.cancel_redemption(counter, redemption, "库存盘点有误"),
                "fulfil": lambda: rewards.fulfil_redemption(counter, redemption),
            }
            if not refused(steps[how], RedemptionNotReserved):
                done.add("fulfil" if how == "fulfil" else "cancel")

        @rule(pick=st.integers(0, 10**6), how=st.sampled_from(["cancel", "staff", "fulfil"]))
        def settle_redemption(self, pick, how):
            if self.redeemed:  # drawn anyway: what is drawn never depends on the database
                self.settle(self.redeemed[pick % len(self.redeemed)], how)

        @rule()
        def uncollected(self):
            if rewards.cancel_uncollected():
                done.add("uncollected")
            _db.session.commit()
            assert rewards.cancel_uncollected() == 0

        @rule()
        def expire(self):
            if expire_points():
                done.add("expire")
            _db.session.commit()
            assert expire_points() == 0  # a second run finds nothing

        @rule(days=st.integers(1, 40))
        def wait(self, days):
            clock.shift(timedelta(days=days))

        @invariant()
        def the_ledger_is_whole(self):
            check_ledger()
            for person in people:
                assert balance(person.user_id) >= 0
            per_redemption = _db.session.execute(
                sa.select(
                    PointEntry.redemption_id,
                    sa.func.sum(sa.case((PointEntry.kind == REDEEM, -PointEntry.amount), else_=0)),
                    sa.func.sum(sa.case((PointEntry.kind == REFUND, PointEntry.amount), else_=0)),
                )
                .where(PointEntry.redemption_id.is_not(None))
                .group_by(PointEntry.redemption_id)
            ).all()
            assert all(back <= taken for _, taken, back in per_redemption)
            given_back = {rid: (taken, back) for rid, taken, back in per_redemption}
            states = redemption_states()
            for rid, status in states.items():
                taken, back = given_back[rid]
                assert taken == PRICE and back == (taken if status in ("cancelled", "uncollected") else 0)
            holding = [rid for rid in self.redeemed if states[rid] in ("reserved", "fulfilled")]
            assert stock_of(self.shelf.id) + len(holding) == 4

    Ledger.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=20,
        deadline=None,
        derandomize=True,  # the same examples every run, in CI too
        suppress_health_check=list(HealthCheck),
    )
    Ledger.TestCase().runTest()
    assert done >= {
        "award",
        "correct",
        "adjust",
        "spend",
        "refund",
        "expire",
        "redeem",
        "cancel",
        "fulfil",
    }, done
