"""A Hypothesis state machine over the points ledger: awards (once per sign-up, under a rule with a
multiplier and a daily cap), corrections, staff adjustments, spending and refunds, and the expiry job, on a
clock that moves forward. After every step, for every account: the balance is the sum of its ledger and
never below zero, each row's balance_after is the running sum, a sign-up has at most one earn row, and no
redemption got back more than it took; a refused step changes nothing."""

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN
from cloudplatform.volunteer.models import EARN, REDEEM, REFUND, PointEntry
from cloudplatform.volunteer.points.errors import InsufficientPoints, RefundTooLarge
from cloudplatform.volunteer.points.operations import (
    adjust_points,
    award_for_signup,
    correct_award,
    refund,
    spend,
)
from cloudplatform.volunteer.points.tasks import expire_points
from tests.volunteer.fixtures import project, volunteer
from tests.volunteer.fixtures import rule as make_rule
from tests.volunteer.points_fixtures import balance, check_ledger, clock, served

__all__ = ["clock"]

CATEGORY = "elderly"


def ledger_size() -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(PointEntry))


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
    redemption_ids = iter(range(1, 10**6))
    done: set[str] = set()

    def refused(step, error) -> bool:
        """Run ``step``; True if it raised ``error``, having changed nothing."""
        before = ledger_size()
        try:
            step()
        except error:
            _db.session.rollback()
            assert ledger_size() == before
            return True
        _db.session.commit()
        return False

    class Ledger(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.signups: list = []  # this example's confirmed sign-ups
            self.redemptions: list[tuple[int, int]] = []  # (user id, redemption id)

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

    Ledger.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=15,
        deadline=None,
        derandomize=True,  # the same examples every run, in CI too
        suppress_health_check=list(HealthCheck),
    )
    Ledger.TestCase().runTest()
    assert done >= {"award", "correct", "adjust", "spend", "refund", "expire"}, done
