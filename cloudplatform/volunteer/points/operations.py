"""The points ledger's writes. Every change of a balance is one appended ``PointEntry`` and the matching
UPDATE of its ``PointAccount`` in the caller's transaction, after the account's row is locked: the
balance always equals the sum of the ledger and never goes below zero (a CHECK holds it too), and a
second award for one attendance is refused by the database (``uq_point_entry_one_award``)."""

from datetime import date

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount
from cloudplatform.volunteer.models import (
    ADJUST,
    EARN,
    PointAccount,
    PointEntry,
    PointRule,
    ShiftSignup,
)
from cloudplatform.volunteer.points.errors import InsufficientPoints

PERCENT = 100  # a rule's multipliers are in percent of its points per hour
REASON_LENGTH = 200  # PointEntry.reason


def lock_account(user_id: int) -> PointAccount:
    """The user's account, made on first use, with its row locked until the transaction ends (appends
    to one account queue behind each other: the daily cap and the balance check see every earlier one)."""
    account = db.session.scalar(
        sa.select(PointAccount).where(PointAccount.user_id == user_id).with_for_update()
    )
    if account is not None:
        return account
    try:
        with db.session.begin_nested():
            db.session.add(PointAccount(user_id=user_id, balance=0, earned=0, updated_at=now()))
    except sa.exc.IntegrityError:  # made a moment ago by another transaction
        pass
    return db.session.scalars(
        sa.select(PointAccount)
        .where(PointAccount.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def append(user_id: int, kind: str, amount: int, **source) -> PointEntry:
    """Append a ledger row of ``amount`` (signed) and move the balance with it; the account is locked
    (``lock_account``) by the caller or here. ``source`` names where it comes from (``signup_id``,
    ``redemption_id``, ``staff_id`` and ``reason``, ``community_id``, ``served_on``).

    :raises InsufficientPoints: a debit larger than the balance (nothing written).
    :raises sqlalchemy.exc.IntegrityError: a second award for one sign-up (run it in a savepoint).
    """
    lock_account(user_id)
    balance = db.session.scalar(
        sa.update(PointAccount)
        .where(PointAccount.user_id == user_id, PointAccount.balance + amount >= 0)
        .values(
            balance=PointAccount.balance + amount,
            earned=PointAccount.earned + (amount if kind == EARN else 0),
            updated_at=now(),
        )
        .returning(PointAccount.balance)
        .execution_options(synchronize_session=False)
    )
    if balance is None:
        raise InsufficientPoints(details={"needed": -amount})
    entry = PointEntry(
        user_id=user_id, kind=kind, amount=amount, balance_after=balance, created_at=now(), **source
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def rule_on(community_id: int, day: date) -> PointRule | None:
    """The community's rule in force on ``day``: the latest one that started by then and has not ended."""
    return db.session.scalars(
        sa.select(PointRule)
        .where(
            PointRule.community_id == community_id,
            PointRule.effective_from <= day,
            sa.or_(PointRule.effective_until.is_(None), PointRule.effective_until >= day),
        )
        .order_by(PointRule.effective_from.desc(), PointRule.id.desc())
        .limit(1)
    ).first()


def points_for(minutes: int, category: str, rule: PointRule) -> int:
    """What ``minutes`` of service in a project of ``category`` earn under ``rule`` (rounded down)."""
    percent = int(rule.multipliers.get(category, PERCENT))
    return minutes * rule.points_per_hour * percent // (60 * PERCENT)


def earned_on(user_id: int, day: date) -> int:
    """The points the user earned for service on ``day`` (for the daily cap): the day's earn rows and the
    adjust rows correcting them (``correct_award``)."""
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0)).where(
            PointEntry.user_id == user_id,
            PointEntry.kind.in_((EARN, ADJUST)),
            PointEntry.signup_id.is_not(None),
            PointEntry.served_on == day,
        )
    ).scalar_one()


def award_for_signup(signup: ShiftSignup, category: str) -> PointEntry | None:
    """Append the earn row for a confirmed sign-up: its ``minutes`` under the rule in force in its
    community on the Beijing day of the shift, within the rule's daily cap. None when no rule applies,
    the points come to nothing, or the sign-up was awarded already (the unique index: nothing changes).
    """
    day = local(signup.starts_at).date()
    rule = rule_on(signup.community_id, day)
    if rule is None or not signup.minutes:
        return None
    lock_account(signup.user_id)
    points = points_for(signup.minutes, category, rule)
    if rule.daily_cap is not None:
        points = min(points, rule.daily_cap - earned_on(signup.user_id, day))
    if points <= 0:
        return None
    try:
        with db.session.begin_nested():
            return append(
                signup.user_id,
                EARN,
                points,
                signup_id=signup.id,
                community_id=signup.community_id,
                served_on=day,
                reason=f"{signup.minutes // 60}小时{signup.minutes % 60:02d}分",
            )
    except sa.exc.IntegrityError:  # awarded already (by a concurrent confirmation)
        return None


def held_for(signup_id: int) -> int:
    """The points a sign-up's earn and adjust rows hold."""
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0)).where(
            PointEntry.signup_id == signup_id, PointEntry.kind.in_((EARN, ADJUST))
        )
    ).scalar_one()


def correct_award(staff: StaffAccount, signup: ShiftSignup, category: str, reason: str) -> PointEntry | None:
    """After an organiser corrected a confirmed sign-up's ``minutes``: append one adjust row for the
    difference between what its minutes now earn (the rule of its day, within the daily cap counting the
    day's other sign-ups) and what its earn and adjust rows hold. A negative difference takes at most the
    balance (the reason says so). None when there is nothing to change. The caller checked the rights.
    """
    account = lock_account(signup.user_id)
    day = local(signup.starts_at).date()
    rule = rule_on(signup.community_id, day)
    held = held_for(signup.id)
    target = 0
    if rule is not None and signup.minutes:
        target = points_for(signup.minutes, category, rule)
        if rule.daily_cap is not None:
            others = earned_on(signup.user_id, day) - held
            target = max(0, min(target, rule.daily_cap - others))
    amount = target - held
    note = reason.strip() or "服务时长更正"
    if amount < 0 and -amount > account.balance:
        note = f"{note}（应扣{-amount}分，余额仅{account.balance}分）"
        amount = -account.balance
    if amount == 0:
        return None
    return append(
        signup.user_id,
        ADJUST,
        amount,
        signup_id=signup.id,
        community_id=signup.community_id,
        served_on=day,
        staff_id=staff.id,
        reason=note[:REASON_LENGTH],
    )
