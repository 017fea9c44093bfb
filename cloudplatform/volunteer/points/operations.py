"""The points ledger's writes. Every change of a balance is one appended ``PointEntry`` and the matching
UPDATE of its ``PointAccount`` in the caller's transaction, after the account's row is locked: the
balance always equals the sum of the ledger and never goes below zero (a CHECK holds it too), and a
second award for one attendance is refused by the database (``uq_point_entry_one_award``)."""

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.clock import local, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import Community, StaffAccount
from cloudplatform.identity.permissions import requires
from cloudplatform.orm import Chain, Ref
from cloudplatform.volunteer.models import (
    ADJUST,
    CATEGORIES,
    EARN,
    REDEEM,
    REFUND,
    PointAccount,
    PointEntry,
    PointRule,
    ShiftSignup,
    Volunteer,
)
from cloudplatform.volunteer.points.errors import (
    InsufficientPoints,
    InvalidPointRule,
    InvalidPointsAmount,
    PointsReasonRequired,
    PointsVolunteerNotFound,
    RefundTooLarge,
)
from cloudplatform.volunteer.ranking.operations import tally

MANAGE = "points.manage"
PERCENT = 100  # a rule's multipliers are in percent of its points per hour
REASON_LENGTH = 200  # PointEntry.reason
MAX_POINTS_PER_HOUR = 1000
MAX_PERCENT = 1000
MAX_DAILY_CAP = 10000
MAX_ADJUSTMENT = 100000


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
    balance = db.session.scalar(move_balance(user_id, kind, amount).returning(PointAccount.balance))
    if balance is None:
        raise InsufficientPoints(details={"needed": -amount})
    entry = PointEntry(**entry_values(user_id, kind, amount, balance, **source))
    db.session.add(entry)
    db.session.flush()
    return entry


def move_balance(user_id: int, kind: str, amount: int) -> sa.Update:
    """The account's balance moved by ``amount`` (signed), unless that would take it below zero."""
    return (
        sa.update(PointAccount)
        .where(PointAccount.user_id == user_id, PointAccount.balance + amount >= 0)
        .values(
            balance=PointAccount.balance + amount,
            earned=PointAccount.earned + (amount if kind == EARN else 0),
            updated_at=now(),
        )
        .execution_options(synchronize_session=False)
    )


def entry_values(user_id: int, kind: str, amount: int, balance_after: Any, **source) -> dict[str, Any]:
    """A ledger row's values (``balance_after`` may be a ``Chain`` ref)."""
    values = dict(user_id=user_id, kind=kind, amount=amount, balance_after=balance_after, created_at=now())
    return values | source


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
            entry = append(
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
    tally(signup.volunteer_id, day, points=points)
    return entry


def held_for(signup_id: int) -> int:
    """The points a sign-up's earn and adjust rows hold."""
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0)).where(
            PointEntry.signup_id == signup_id, PointEntry.kind.in_((EARN, ADJUST))
        )
    ).scalar_one()


@requires("volunteer.attendance")  # the correction of hours it follows needs the same right
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
    entry = append(
        signup.user_id,
        ADJUST,
        amount,
        signup_id=signup.id,
        community_id=signup.community_id,
        served_on=day,
        staff_id=staff.id,
        reason=note[:REASON_LENGTH],
    )
    tally(signup.volunteer_id, day, points=amount)
    return entry


# -- staff: rules and adjustments ---------------------------------------------------------------------


def check_rule(
    points_per_hour: Any, multipliers: Any, daily_cap: Any, effective_from: Any, effective_until: Any
) -> None:
    """The rule's fields are in range: points per hour 0..1000, a multiplier per known category in
    percent 0..1000, a daily cap None or 1..10000, starting today or later and ending no earlier.

    :raises InvalidPointRule: naming the first field out of range.
    """

    def whole(value: Any, low: int, high: int) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high

    if not whole(points_per_hour, 0, MAX_POINTS_PER_HOUR):
        raise InvalidPointRule.for_field("points_per_hour", "每小时积分须在0至1000之间")
    if not isinstance(multipliers, dict) or not all(
        key in CATEGORIES and whole(value, 0, MAX_PERCENT) for key, value in multipliers.items()
    ):
        raise InvalidPointRule.for_field("multipliers", "项目类别倍率须为已有类别，百分比在0至1000之间")
    if daily_cap is not None and not whole(daily_cap, 1, MAX_DAILY_CAP):
        raise InvalidPointRule.for_field("daily_cap", "每日积分上限须在1至10000之间")
    if not isinstance(effective_from, date) or effective_from < local(now()).date():
        raise InvalidPointRule.for_field("effective_from", "生效日期不能早于今天")
    if effective_until is not None and (
        not isinstance(effective_until, date) or effective_until < effective_from
    ):
        raise InvalidPointRule.for_field("effective_until", "失效日期不能早于生效日期")


@requires(MANAGE)
def set_rule(
    staff: StaffAccount,
    community_id: int,
    points_per_hour: int,
    multipliers: dict[str, int],
    daily_cap: int | None,
    effective_from: date,
    effective_until: date | None = None,
) -> PointRule:
    """A new points rule of a community the staff member serves, from ``effective_from`` on; the
    community's open-ended rule that started earlier ends the day before (audited "point_rule.create").

    :raises CommunityNotFound: the community is outside the staff member's scope.
    :raises InvalidPointRule: see ``check_rule``.
    """
    if not permissions.in_scope(staff, community_id) or db.session.get(Community, community_id) is None:
        raise CommunityNotFound()
    check_rule(points_per_hour, multipliers, daily_cap, effective_from, effective_until)
    ended = (
        db.session.execute(
            sa.update(PointRule)
            .where(
                PointRule.community_id == community_id,
                PointRule.effective_until.is_(None),
                PointRule.effective_from < effective_from,
            )
            .values(effective_until=effective_from - timedelta(days=1))
            .returning(PointRule.id)
            .execution_options(synchronize_session="fetch")
        )
        .scalars()
        .all()
    )
    rule = PointRule(
        community_id=community_id,
        points_per_hour=points_per_hour,
        multipliers=dict(multipliers),
        daily_cap=daily_cap,
        effective_from=effective_from,
        effective_until=effective_until,
        created_by_id=staff.id,
    )
    db.session.add(rule)
    db.session.flush()
    record(
        staff,
        "point_rule.create",
        target=rule,
        community_id=community_id,
        details={
            "points_per_hour": points_per_hour,
            "multipliers": dict(multipliers),
            "daily_cap": daily_cap,
            "effective_from": effective_from.isoformat(),
            "effective_until": effective_until.isoformat() if effective_until else None,
            "ended_rules": list(ended),
        },
    )
    return rule


@requires(MANAGE)
def adjust_points(staff: StaffAccount, user_id: int, amount: int, reason: str) -> PointEntry:
    """Add (or take, with a negative ``amount``) points of a volunteer registered in a community the
    staff member serves, saying why (audited "points.adjust").

    :raises PointsVolunteerNotFound: no volunteer of that user in the staff member's scope.
    :raises InvalidPointsAmount: zero, or more than 100000 either way.
    :raises PointsReasonRequired: no reason, or one over 200 characters.
    :raises InsufficientPoints: a negative amount larger than the balance (nothing written).
    """
    community_id = db.session.scalar(sa.select(Volunteer.community_id).where(Volunteer.user_id == user_id))
    if community_id is None or not permissions.in_scope(staff, community_id):
        raise PointsVolunteerNotFound()
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < abs(amount) <= MAX_ADJUSTMENT:
        raise InvalidPointsAmount.for_field("amount", "调整积分须为非零整数，绝对值不超过100000")
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_LENGTH:
        raise PointsReasonRequired.for_field("reason")
    entry = append(user_id, ADJUST, amount, staff_id=staff.id, reason=reason, community_id=community_id)
    record(
        staff,
        "points.adjust",
        target=entry,
        community_id=community_id,
        details={
            "user_id": user_id,
            "amount": amount,
            "reason": reason,
            "balance_after": entry.balance_after,
        },
    )
    return entry


# -- 爱心超市: the caller checks who may spend and refund ------------------------------------------------


def positive(amount: Any) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidPointsAmount.for_field("amount")
    return amount


def spend(chain: Chain, user_id: int, amount: int, redemption_id: Ref, community_id: int) -> None:
    """Add to ``chain`` the taking of ``amount`` points for a redemption (``redemption_id``: the ref of
    the step writing it): the balance moved (step "debit": none when the balance is short) and the
    redeem ledger row of −amount (step "entry"). The caller holds the account's lock (``lock_account``).

    :raises InvalidPointsAmount: not a positive whole number.
    """
    taken = -positive(amount)
    chain.update("debit", move_balance(user_id, REDEEM, taken), PointAccount.balance)
    balance = Ref("debit", "balance")
    source = {"redemption_id": redemption_id, "community_id": community_id}
    chain.insert("entry", PointEntry, entry_values(user_id, REDEEM, taken, balance, **source))


def refund(user_id: int, amount: int, redemption_id: int, community_id: int | None) -> PointEntry:
    """Give back ``amount`` points of a redemption (a refund row): at most what it took minus what was
    refunded for it already.

    :raises InvalidPointsAmount: not a positive whole number.
    :raises RefundTooLarge: more than is left to refund (nothing written).
    """
    positive(amount)
    lock_account(user_id)  # concurrent refunds of one redemption queue here
    outstanding = -db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0)).where(
            PointEntry.user_id == user_id,
            PointEntry.redemption_id == redemption_id,
            PointEntry.kind.in_((REDEEM, REFUND)),
        )
    ).scalar_one()
    if amount > outstanding:
        raise RefundTooLarge(details={"refundable": max(outstanding, 0)})
    return append(user_id, REFUND, amount, redemption_id=redemption_id, community_id=community_id)
