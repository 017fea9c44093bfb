"""爱心超市: staff keep a shelf of donated goods and services priced in points; a volunteer redeems one
(points and stock taken together), and it is handed over at the counter or through a locker.

Redeeming is one transaction: the volunteer's point account is locked first (one person's redemptions
take turns, so the count against the per-person limit is exact); the reward is read with that count and
the balance checked (too few: 409 POINTS_INSUFFICIENT); then one chain of writes, a single statement on
PostgreSQL, takes one from stock by a conditional UPDATE (``stock > 0``; none left: 409 REWARD_SOLD_OUT,
nothing written), writes the redemption, spends the points (a redeem ledger row) and records the audit
entry. Three statements after the caller's: the request's round trips stay few on the hottest write.

Delivery:
- at the counter: the volunteer shows the redemption's QR code; staff scan its token
  (``fulfil_by_token``, 核销) or press a button on the redemption (``fulfil_redemption``). One
  conditional UPDATE (``status = 'reserved'``) decides, so two staff scanning at once fulfil it once.
- by locker: staff put the item into a cabinet of the community (``deposit_redemption``), which calls the
  locker's ``deposit`` with the volunteer as recipient and the reward's size: the volunteer is told by the
  locker's message and sees the pickup code in the mini-program like any recipient (and the deposit id
  in their redemptions). When the door closes on the pickup, the locker calls ``picked_up`` (registered
  in ``locker.operations.ON_PICKED_UP``) in the same transaction, and the redemption is fulfilled.

Cancelling before fulfilment gives the points back (a refund ledger row) and the stock: the volunteer may
cancel until the item is put into a cabinet; staff may cancel any time before fulfilment, saying why —
an item waiting in a cabinet is taken back with it (the locker's ``cancel_deposit``). A redemption not
collected by ``collect_by`` (REDEMPTION_COLLECT_DAYS after redeeming; for a locker item, not before its
deposit expires) becomes ``uncollected`` with the same refunds (``cancel_uncollected``, a job).

Lock order, the same everywhere (no deadlocks): the point account, then the locker deposit, then the
redemption, then the reward. The status is never in a Python ``if`` alone: each move is one conditional
UPDATE, and of two concurrent moves one wins, the other gets 409 REDEMPTION_NOT_RESERVED.

The QR token is not stored: it is the redemption's id and an HMAC of it under a key derived from
SECRET_KEY (128 bits, unguessable without the key), so the volunteer can be shown it again and staff's
scan finds the redemption by the id once the HMAC matches. Tokens are never logged.
"""

import base64
import hashlib
import hmac
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from cloudplatform.audit.operations import record, record_in
from cloudplatform.clock import LOCAL_TZ, local, now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import Community, StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.locker import operations as locker
from cloudplatform.locker.models import OPENING, SIZES, WAITING, Cabinet, Deposit
from cloudplatform.notify.operations import notify
from cloudplatform.notify.templates import THING_MAX, fit
from cloudplatform.orm import Chain, Ref
from cloudplatform.service.uploads.operations import store_image
from cloudplatform.volunteer.models import (
    COUNTER,
    FULFILLED,
    LIMIT_PERIODS,
    LOCKER,
    OFF_SHELF,
    ON_SHELF,
    REDEMPTION_CANCELLED,
    RESERVED,
    SUSPENDED,
    UNCOLLECTED,
    PointAccount,
    Redemption,
    Reward,
    RewardCommunity,
    Volunteer,
)
from cloudplatform.volunteer.points.errors import InsufficientPoints
from cloudplatform.volunteer.points.operations import lock_account, refund, spend
from cloudplatform.volunteer.rewards.errors import (
    CancelReasonRequired,
    InvalidRestock,
    InvalidRewardFields,
    LockerNotOffered,
    RedemptionCabinetNotFound,
    RedemptionInLocker,
    RedemptionLimitReached,
    RedemptionNotFound,
    RedemptionNotLocker,
    RedemptionNotReserved,
    RedemptionVolunteerSuspended,
    RewardNotFound,
    RewardOffShelf,
    RewardSoldOut,
)
from cloudplatform.volunteer.volunteers.queries import require_volunteer

MANAGE, FULFIL = "reward.manage", "reward.fulfil"
PAGE = "pages/volunteer/rewards"
HOLDS_STOCK = (RESERVED, FULFILLED)  # redemptions that count against the per-person limit
LIVE_DEPOSIT = (WAITING, OPENING)  # a locker item the volunteer can still take out
MAX_PRICE = 100000
MAX_STOCK = 100000
MAX_RESTOCK = 10000
MAX_PER_PERSON = 1000
REASON_LENGTH = 200  # Redemption.cancel_reason
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
UNCOLLECTED_BATCH = 200  # redemptions one run of the job gives back at most (it runs again soon)


# -- the QR token ---------------------------------------------------------------------------------------


def redemption_token(redemption_id: int) -> str:
    """The token of a redemption's QR code, for its volunteer's eyes only: its id and an HMAC of the id
    (128 bits, URL-safe base64) under a key derived from SECRET_KEY."""
    return f"{redemption_id}.{_token_mac(redemption_id)}"


def redemption_named(token: str) -> int | None:
    """The id of the redemption a QR token names; None for a malformed or forged one."""
    number, _, mac = str(token or "").partition(".")
    if not (number.isascii() and number.isdigit()) or len(number) > 18:
        return None
    redemption_id = int(number)
    return redemption_id if hmac.compare_digest(mac.encode(), _token_mac(redemption_id).encode()) else None


def _token_mac(redemption_id: int) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"redemption-qr", hashlib.sha256).digest()
    mac = hmac.new(key, str(redemption_id).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")


# -- periods --------------------------------------------------------------------------------------------


def period_start(period: str, at: datetime) -> datetime | None:
    """The start (UTC-aware) of the Beijing calendar month or year containing ``at``; None for "all"."""
    day = local(at)
    if period == "month":
        return datetime(day.year, day.month, 1, tzinfo=LOCAL_TZ)
    if period == "year":
        return datetime(day.year, 1, 1, tzinfo=LOCAL_TZ)
    return None


# -- staff: the shelf -----------------------------------------------------------------------------------


def whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def text(fields: dict, name: str, limit: int, required: bool = False) -> str:
    """A text field, stripped (one line but for the description)."""
    value = str(fields.get(name) or "").strip()
    if name != "description":
        value = " ".join(value.split())
    if (required and not value) or len(value) > limit:
        raise InvalidRewardFields.for_field(name)
    return value


REWARD_FIELDS = ("name", "description", "picture", "price", "per_person", "limit_period", "donor", "size")


TEXTS = {"name": 64, "description": 2000, "donor": 64, "picture": 200}  # field -> length at most


def reward_fields(fields: dict) -> dict:
    """The fields given, checked: a name (≤ 64), a price 1..100000, a limit per person (None or 1..1000)
    per period (month, year, all), a donor (≤ 64), a locker size (S, M, L) or None for the counter only,
    a description and a picture (a stored file's key, ≤ 200)."""
    unknown = set(fields) - set(REWARD_FIELDS)
    if unknown:
        raise InvalidRewardFields.for_field(sorted(unknown)[0])
    cleaned: dict[str, Any] = {
        name: text(fields, name, limit, required=name == "name")
        for name, limit in TEXTS.items()
        if name in fields
    }
    if "picture" in cleaned:
        cleaned["picture"] = cleaned["picture"] or None
    checks = {
        "price": (lambda v: whole(v, 1, MAX_PRICE), "所需积分须在1至100000之间"),
        "per_person": (
            lambda v: v is None or whole(v, 1, MAX_PER_PERSON),
            "每人限兑数量须在1至1000之间，或不限",
        ),
        "limit_period": (lambda v: v in LIMIT_PERIODS, "限兑周期须为每月、每年或累计"),
        "size": (lambda v: v is None or v in SIZES, "云柜格口须为小格、中格或大格，或仅到站领取"),
    }
    for name, (valid, message) in checks.items():
        if name in fields:
            if not valid(fields[name]):
                raise InvalidRewardFields.for_field(name, message)
            cleaned[name] = fields[name]
    return cleaned


@requires(MANAGE)
def set_reward_picture(staff: StaffAccount, reward: Reward, name: str, data: bytes) -> Reward:
    """Give a reward offered in the staff member's communities its picture (a JPEG or PNG, re-encoded and
    kept as an upload of the first of those communities); audited "reward.update".

    :raises RewardNotFound: not offered in a community the staff member serves.
    :raises Unprocessable: not a JPEG or PNG image, too large or broken (on ``picture``).
    """
    mine = _offered_in_scope(staff, reward.id)
    if not mine:
        raise RewardNotFound()
    upload = store_image(staff, mine[0], name, data, field="picture")
    reward.picture = upload.key
    db.session.flush()
    record(
        staff, "reward.update", target=reward, community_id=mine[0], details={"picture": upload.original_name}
    )
    return reward


def _offered_in_scope(staff: StaffAccount, reward_id: int) -> list[int]:
    """The communities offering the reward that the staff member serves (sorted)."""
    return sorted(
        db.session.scalars(
            sa.select(RewardCommunity.community_id).where(
                RewardCommunity.reward_id == reward_id,
                permissions.scope_filter(staff, RewardCommunity.community_id),
            )
        )
    )


def _checked_communities(staff: StaffAccount, community_ids: Iterable[int]) -> list[int]:
    """The communities, each one the staff member serves.

    :raises InvalidRewardFields: none given.
    :raises CommunityNotFound: one outside the staff member's scope (or none such).
    """
    wanted = sorted(set(community_ids))
    if not wanted:
        raise InvalidRewardFields.for_field("community_ids", "请至少选择一个社区")
    found = set(db.session.scalars(sa.select(Community.id).where(Community.id.in_(wanted))))
    if found != set(wanted) or not all(permissions.in_scope(staff, c) for c in wanted):
        raise CommunityNotFound()
    return wanted


@requires(MANAGE)
def create_reward(staff: StaffAccount, community_ids: Iterable[int], stock: int = 0, **fields) -> Reward:
    """Put a new reward on the shelf of communities the staff member serves (audited "reward.create").

    :raises CommunityNotFound: a community outside the staff member's scope.
    :raises InvalidRewardFields: see ``reward_fields``; a name and a price are required, a stock 0..100000.
    """
    communities = _checked_communities(staff, community_ids)
    cleaned = reward_fields(fields)
    for required in ("name", "price"):
        if required not in cleaned:
            raise InvalidRewardFields.for_field(required)
    if not whole(stock, 0, MAX_STOCK):
        raise InvalidRewardFields.for_field("stock", "库存须在0至100000之间")
    reward = Reward(stock=stock, status=ON_SHELF, created_by_id=staff.id, **cleaned)
    db.session.add(reward)
    db.session.flush()
    db.session.add_all(RewardCommunity(reward_id=reward.id, community_id=c) for c in communities)
    db.session.flush()
    record(
        staff,
        "reward.create",
        target=reward,
        community_id=communities[0],
        details={**cleaned, "stock": stock, "community_ids": communities},
    )
    return reward


@requires(MANAGE)
def update_reward(
    staff: StaffAccount, reward: Reward, community_ids: Iterable[int] | None = None, **fields
) -> Reward:
    """Change a reward's fields; with ``community_ids``, the communities the staff member serves that
    offer it (others offering it are left as they are). Audited "reward.update" with the changes. A new
    price or limit applies to redemptions from now on.

    :raises RewardNotFound: not offered in a community the staff member serves.
    :raises CommunityNotFound, InvalidRewardFields
    """
    mine = _offered_in_scope(staff, reward.id)
    if not mine:
        raise RewardNotFound()
    cleaned = reward_fields(fields)
    changes = {k: v for k, v in cleaned.items() if getattr(reward, k) != v}
    for key, value in changes.items():
        setattr(reward, key, value)
    if community_ids is not None:
        wanted = _checked_communities(staff, community_ids)
        added, removed = sorted(set(wanted) - set(mine)), sorted(set(mine) - set(wanted))
        if removed:
            db.session.execute(
                sa.delete(RewardCommunity).where(
                    RewardCommunity.reward_id == reward.id, RewardCommunity.community_id.in_(removed)
                )
            )
        db.session.add_all(RewardCommunity(reward_id=reward.id, community_id=c) for c in added)
        if added or removed:
            changes["community_ids"] = {"added": added, "removed": removed}
    db.session.flush()
    record(staff, "reward.update", target=reward, community_id=mine[0], details=changes)
    return reward


@requires(MANAGE)
def restock(staff: StaffAccount, reward: Reward, amount: int, note: str = "") -> Reward:
    """Add ``amount`` to the stock (a donation arrived), or take some out with a negative amount (damaged
    goods); one conditional UPDATE, so a concurrent redemption is never left with negative stock.
    Audited "reward.restock".

    :raises RewardNotFound: not offered in a community the staff member serves.
    :raises InvalidRestock: zero, beyond ±10000, or taking more than is in stock (nothing changed).
    """
    mine = _offered_in_scope(staff, reward.id)
    if not mine:
        raise RewardNotFound()
    if not whole(amount, -MAX_RESTOCK, MAX_RESTOCK) or amount == 0:
        raise InvalidRestock.for_field("amount")
    stock = db.session.scalar(
        sa.update(Reward)
        .where(Reward.id == reward.id, Reward.stock + amount >= 0, Reward.stock + amount <= MAX_STOCK)
        .values(stock=Reward.stock + amount)
        .returning(Reward.stock)
        .execution_options(synchronize_session=False)
    )
    if stock is None:
        raise InvalidRestock.for_field("amount", "库存不足以扣减，或超过100000")
    db.session.refresh(reward)
    record(
        staff,
        "reward.restock",
        target=reward,
        community_id=mine[0],
        details={"amount": amount, "stock": stock, "note": note[:REASON_LENGTH]},
    )
    return reward


@requires(MANAGE)
def shelve(staff: StaffAccount, reward: Reward, on_shelf: bool) -> Reward:
    """Put a reward on the shelf or take it off (redemptions made stay valid). Audited "reward.shelve" /
    "reward.unshelve".

    :raises RewardNotFound: not offered in a community the staff member serves.
    """
    mine = _offered_in_scope(staff, reward.id)
    if not mine:
        raise RewardNotFound()
    reward.status = ON_SHELF if on_shelf else OFF_SHELF
    db.session.flush()
    record(staff, "reward.shelve" if on_shelf else "reward.unshelve", target=reward, community_id=mine[0])
    return reward


# -- the volunteer: redeeming ------------------------------------------------------------------------


def held_column(user_id: Any) -> sa.ScalarSelect:
    """How many of each reward (the row's) the user holds in its limit's current period (reserved or
    fulfilled); ``user_id`` a value or a bound parameter. The periods' starts are bound parameters: run
    the statement with ``period_starts(now())``."""
    since = sa.case(
        (Reward.limit_period == "month", sa.bindparam("month_start", type_=Redemption.created_at.type)),
        (Reward.limit_period == "year", sa.bindparam("year_start", type_=Redemption.created_at.type)),
        else_=sa.literal(EPOCH, Redemption.created_at.type),
    )
    return (
        sa.select(sa.func.count())
        .where(
            Redemption.user_id == user_id,
            Redemption.reward_id == Reward.id,
            Redemption.status.in_(HOLDS_STOCK),
            Redemption.created_at >= since,
        )
        .correlate(Reward)
        .scalar_subquery()
    )


def period_starts(at: datetime) -> dict[str, datetime | None]:
    """The values of ``held_column``'s month_start and year_start at ``at``."""
    return {"month_start": period_start("month", at), "year_start": period_start("year", at)}


def cabinets_in_use(community_id: Any) -> sa.Select:
    """The community's cabinets in use (``community_id`` may be a column)."""
    return sa.select(Cabinet.id).where(Cabinet.community_id == community_id, Cabinet.disabled.is_(False))


def cabinet_in(community_id: int, cabinet_id: int | None) -> Cabinet | None:
    """The cabinet in use of the community (None when none is asked for).

    :raises RedemptionCabinetNotFound: no such cabinet there, or a disabled one.
    """
    if cabinet_id is None:
        return None
    cabinet = db.session.get(Cabinet, cabinet_id)
    if cabinet is None or cabinet.community_id != community_id or cabinet.disabled:
        raise RedemptionCabinetNotFound()
    return cabinet


def redeem(user: User, reward_id: int, delivery: str, cabinet_id: int | None = None) -> Redemption:
    """The volunteer redeems one of a reward offered in their community, to collect at the counter or
    from a locker (``cabinet_id``: the cabinet they would like, else staff choose). In one transaction of
    three statements: their point account is locked (with their registration); the reward is read with
    how many they hold in its limit's period (Beijing calendar month or year, or ever) and the cabinets;
    then one chain of writes (one statement on PostgreSQL) takes one from stock, writes the redemption,
    spends the points (a redeem ledger row) and records "redemption.create".

    :raises NotVolunteer: the caller has not registered as a volunteer.
    :raises RedemptionVolunteerSuspended: the volunteer is suspended.
    :raises RewardNotFound: no such reward offered in the volunteer's community.
    :raises RewardOffShelf: taken off the shelf.
    :raises LockerNotOffered: a locker asked for a counter-only reward, or the community has no cabinet.
    :raises RedemptionCabinetNotFound: a cabinet not of the community.
    :raises RedemptionLimitReached: as many this period as one person may.
    :raises InsufficientPoints: fewer points than the price (nothing changed).
    :raises RewardSoldOut: none left (the caller's transaction must roll back: the request does).
    """
    if delivery not in (COUNTER, LOCKER):
        raise InvalidRewardFields.for_field("delivery")
    volunteer, balance = _lock_volunteer(user)
    if volunteer.status == SUSPENDED:
        raise RedemptionVolunteerSuspended()
    community_id = volunteer.community_id
    reward, cabinet_id = _redeemable(user, community_id, reward_id, delivery, cabinet_id)
    if balance < reward.price:
        raise InsufficientPoints(details={"needed": reward.price})
    current = now()
    fields = dict(
        reward_id=reward.id,
        user_id=user.id,
        community_id=community_id,
        points=reward.price,
        delivery=delivery,
        cabinet_id=cabinet_id,
        status=RESERVED,
        collect_by=current + timedelta(days=current_app.config["REDEMPTION_COLLECT_DAYS"]),
        cancel_reason="",
        created_at=current,
    )
    chain = Chain(db.session)
    chain.update(
        "stock",
        sa.update(Reward)
        .where(Reward.id == reward.id, Reward.stock > 0, Reward.status == ON_SHELF)
        .values(stock=Reward.stock - 1)
        .execution_options(synchronize_session=False),
        Reward.stock,
    )
    chain.insert("made", Redemption, fields)
    made_id = Ref("made", "id")
    spend(chain, user.id, reward.price, made_id, community_id)  # steps "debit" and "entry"
    details = {"reward_id": reward.id, "points": reward.price, "delivery": delivery}
    record_in(
        chain,
        user,
        "redemption.create",
        target_type="Redemption",
        target_id=made_id,
        community_id=community_id,
        details=details,
    )
    written = chain.run()
    row = written["made"]
    if row is None:  # the stock step wrote nothing
        raise RewardSoldOut()
    if written["debit"] is None:
        raise InsufficientPoints(details={"needed": reward.price})
    return _as_loaded(Redemption(id=row["id"], reward=reward, **fields, **NOT_YET))


NOT_YET = dict(deposit_id=None, fulfilled_at=None, fulfilled_by_id=None, cancelled_at=None)


def _as_loaded(made: Redemption) -> Redemption:
    """The redemption just written, in the session as though read back (it is not read again)."""
    sa.orm.make_transient_to_detached(made)
    db.session.add(made)
    return made


def _redeemable(
    user: User, community_id: int, reward_id: int, delivery: str, cabinet_id: int | None
) -> tuple[Reward, int | None]:
    """The reward, read with how many the user holds in its limit's period and the community's cabinets
    (one statement), and the cabinet chosen; raises as ``redeem`` says when it cannot be redeemed."""
    chosen = cabinets_in_use(community_id).where(Cabinet.id == cabinet_id) if cabinet_id is not None else None
    found = db.session.execute(
        sa.select(
            Reward,
            held_column(user.id),
            sa.exists(cabinets_in_use(community_id)),
            sa.exists(chosen) if chosen is not None else sa.null(),
        )
        .join(RewardCommunity, RewardCommunity.reward_id == Reward.id)
        .where(Reward.id == reward_id, RewardCommunity.community_id == community_id)
        .execution_options(populate_existing=True),
        period_starts(now()),
    ).first()
    if found is None:
        raise RewardNotFound()
    reward, held, has_cabinet, chosen_in_use = found
    if reward.status != ON_SHELF:
        raise RewardOffShelf()
    if delivery == LOCKER:
        if reward.size is None or not has_cabinet:
            raise LockerNotOffered()
        if cabinet_id is not None and not chosen_in_use:
            raise RedemptionCabinetNotFound()
    else:
        cabinet_id = None
    if reward.per_person is not None and held >= reward.per_person:
        raise RedemptionLimitReached(details={"limit": reward.per_person, "period": reward.limit_period})
    return reward, cabinet_id


def _lock_volunteer(user: User) -> tuple[Volunteer, int]:
    """The caller's registration and point balance, their account locked until the transaction ends
    (their redemptions take turns from here on, so the count against a limit is exact): one statement,
    unless they have no account yet.

    :raises NotVolunteer: the caller has not registered.
    """
    row = db.session.execute(
        sa.select(Volunteer, PointAccount.balance)
        .join(PointAccount, PointAccount.user_id == Volunteer.user_id)
        .where(Volunteer.user_id == user.id)
        .with_for_update(of=PointAccount)
    ).first()
    if row is not None:
        return row[0], row[1]
    volunteer = require_volunteer(user)
    return volunteer, lock_account(user.id).balance


# -- handing over ---------------------------------------------------------------------------------------


def move(redemption_id: int, to: str, *where: sa.ColumnElement[bool], **values: Any) -> bool:
    """Move a reserved redemption to ``to`` in one conditional UPDATE; False when it was not reserved (or
    ``where`` did not hold)."""
    return (
        db.session.execute(
            sa.update(Redemption)
            .where(Redemption.id == redemption_id, Redemption.status == RESERVED, *where)
            .values(status=to, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def live_deposit(redemption: Redemption) -> Deposit | None:
    """The redemption's locker deposit while the volunteer can still take it out."""
    if redemption.deposit_id is None:
        return None
    deposit = db.session.get(Deposit, redemption.deposit_id)
    return deposit if deposit is not None and deposit.status in LIVE_DEPOSIT else None


def _hand_over(staff: StaffAccount, redemption: Redemption) -> Redemption:
    """At the counter: fulfilled, once (a locker redemption not yet put into a cabinet may be handed over
    at the counter too)."""
    if live_deposit(redemption) is not None:
        raise RedemptionInLocker()
    fulfilled = move(
        redemption.id,
        FULFILLED,
        sa.or_(Redemption.deposit_id.is_(None), ~Redemption.deposit_id.in_(live_deposit_ids())),
        fulfilled_at=now(),
        fulfilled_by_id=staff.id,
    )
    db.session.refresh(redemption)
    if not fulfilled:
        raise RedemptionNotReserved(details={"status": redemption.status})
    record(staff, "redemption.fulfil", target=redemption, community_id=redemption.community_id)
    return redemption


def live_deposit_ids() -> sa.Select:
    return sa.select(Deposit.id).where(Deposit.status.in_(LIVE_DEPOSIT))


@requires(FULFIL)
def fulfil_by_token(staff: StaffAccount, token: str) -> Redemption:
    """核销: staff scan the QR code on the volunteer's phone and hand the item over; of two staff scanning
    at once, one fulfils it and the other gets 409. Audited "redemption.fulfil".

    :raises RedemptionNotFound: the token names no redemption in the staff member's communities.
    :raises RedemptionNotReserved: fulfilled, cancelled or uncollected already.
    :raises RedemptionInLocker: the item waits in a cabinet.
    """
    redemption = db.session.scalar(
        sa.select(Redemption).where(
            Redemption.id == redemption_named(token),
            permissions.scope_filter(staff, Redemption.community_id),
        )
    )
    if redemption is None:
        raise RedemptionNotFound()
    return _hand_over(staff, redemption)


@requires(FULFIL)
def fulfil_redemption(staff: StaffAccount, redemption: Redemption) -> Redemption:
    """Hand a redemption over at the counter by its id (the volunteer cannot show the QR code; staff
    check who they are). As ``fulfil_by_token``."""
    return _hand_over(staff, redemption)


@requires(FULFIL)
def deposit_redemption(
    staff: StaffAccount, redemption: Redemption, cabinet_id: int | None = None
) -> Redemption:
    """Put a locker redemption's item into a cabinet of its community (the one the volunteer chose unless
    ``cabinet_id`` says otherwise): the locker's ``deposit`` with the volunteer as recipient and the
    reward's size, which tells them; their pickup completes the redemption. The redemption is kept at
    least until the deposit expires. A redemption whose earlier deposit was cancelled or retrieved may be
    deposited again. Audited "redemption.deposit" (and the locker's "deposit.create").

    :raises RedemptionNotLocker: a counter redemption.
    :raises RedemptionNotReserved: fulfilled or cancelled already.
    :raises RedemptionInLocker: in a cabinet already.
    :raises RedemptionCabinetNotFound: no such cabinet in use in the community (or none chosen).
    :raises NoCompartment: no free compartment of the size (the locker's 409).
    """
    if redemption.delivery != LOCKER:
        raise RedemptionNotLocker()
    if redemption.status != RESERVED:
        raise RedemptionNotReserved(details={"status": redemption.status})
    if live_deposit(redemption) is not None:
        raise RedemptionInLocker()
    cabinet = cabinet_in(redemption.community_id, cabinet_id or redemption.cabinet_id)
    if cabinet is None:
        raise RedemptionCabinetNotFound.for_field("cabinet_id")
    reward = redemption.reward
    issued = locker.deposit(staff, cabinet.id, redemption.user_id, reward.size or "L", reward.name)
    collect_by = max(redemption.collect_by, issued.deposit.expires_at)
    previous = redemption.deposit_id
    moved = db.session.execute(
        sa.update(Redemption)
        .where(
            Redemption.id == redemption.id,
            Redemption.status == RESERVED,
            sa.or_(Redemption.deposit_id.is_(None), Redemption.deposit_id == previous),
        )
        .values(deposit_id=issued.deposit.id, cabinet_id=cabinet.id, collect_by=collect_by)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(redemption)
    if moved != 1:  # a concurrent deposit or cancellation went first: this one rolls back whole
        raise RedemptionNotReserved(details={"status": redemption.status})
    record(
        staff,
        "redemption.deposit",
        target=redemption,
        community_id=redemption.community_id,
        details={"cabinet_id": cabinet.id, "deposit_id": issued.deposit.id},
    )
    return redemption


def picked_up(deposit: Deposit) -> None:
    """The locker's pickup of a deposit, in its transaction: the redemption made for it is fulfilled."""
    db.session.execute(
        sa.update(Redemption)
        .where(Redemption.deposit_id == deposit.id, Redemption.status == RESERVED)
        .values(status=FULFILLED, fulfilled_at=now())
        .execution_options(synchronize_session=False)
    )


if picked_up not in locker.ON_PICKED_UP:
    locker.ON_PICKED_UP.append(picked_up)


# -- cancelling -----------------------------------------------------------------------------------------


def give_back(redemption: Redemption, to: str, reason: str, *where: sa.ColumnElement[bool]) -> bool:
    """Move a reserved redemption to ``to`` (cancelled or uncollected) and give back its points (a refund
    row) and its stock; False (nothing changed) when it was not reserved. The account is locked first."""
    lock_account(redemption.user_id)
    if not move(redemption.id, to, *where, cancelled_at=now(), cancel_reason=reason[:REASON_LENGTH]):
        return False
    db.session.execute(
        sa.update(Reward)
        .where(Reward.id == redemption.reward_id)
        .values(stock=Reward.stock + 1)
        .execution_options(synchronize_session=False)
    )
    refund(redemption.user_id, redemption.points, redemption.id, redemption.community_id)
    db.session.refresh(redemption)
    return True


def tell(redemption: Redemption, status: str, note: str) -> None:
    """The volunteer hears that a redemption was cancelled or lapsed, with their points back."""
    user = db.session.get(User, redemption.user_id)
    if user is not None:
        notify(
            user,
            "volunteer_redemption",
            {
                "thing1": fit(redemption.reward.name, THING_MAX),
                "phrase2": status,
                "thing3": fit(note, THING_MAX),
                "time4": now(),
            },
            page=PAGE,
        )


def cancel_own_redemption(user: User, redemption: Redemption) -> Redemption:
    """The volunteer cancels their redemption before it is handed over or put into a cabinet: points
    and stock go back (audited "redemption.cancel").

    :raises RedemptionInLocker: in a cabinet already (collect it, or ask staff).
    :raises RedemptionNotReserved: fulfilled or cancelled already.
    """
    if redemption.user_id != user.id:
        raise RedemptionNotFound()
    if live_deposit(redemption) is not None:
        raise RedemptionInLocker()
    not_in_locker = sa.or_(Redemption.deposit_id.is_(None), ~Redemption.deposit_id.in_(live_deposit_ids()))
    if not give_back(redemption, REDEMPTION_CANCELLED, "本人取消", not_in_locker):
        db.session.refresh(redemption)
        raise RedemptionNotReserved(details={"status": redemption.status})
    record(user, "redemption.cancel", target=redemption, community_id=redemption.community_id)
    return redemption


@requires(FULFIL)
def cancel_redemption(staff: StaffAccount, redemption: Redemption, reason: str) -> Redemption:
    """Staff cancel a redemption not handed over yet, saying why (out of stock on the shelf, the volunteer
    asked ...): an item waiting in a cabinet is taken back (the locker's ``cancel_deposit``), points and
    stock go back, and the volunteer is told. Audited "redemption.cancel" with the reason.

    :raises CancelReasonRequired: no reason, or one over 200 characters.
    :raises RedemptionNotReserved: fulfilled or cancelled already.
    :raises DepositNotWaiting: the cabinet's door is open for the pickup right now (the locker's 409).
    """
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > REASON_LENGTH:
        raise CancelReasonRequired.for_field("reason")
    lock_account(redemption.user_id)
    if redemption.status != RESERVED:
        raise RedemptionNotReserved(details={"status": redemption.status})
    deposit = live_deposit(redemption)
    if deposit is not None:
        locker.cancel_deposit(staff, deposit, reason)  # the deposit's row before the redemption's
    if not give_back(redemption, REDEMPTION_CANCELLED, reason):
        db.session.refresh(redemption)
        raise RedemptionNotReserved(details={"status": redemption.status})
    record(
        staff,
        "redemption.cancel",
        target=redemption,
        community_id=redemption.community_id,
        details={"reason": reason},
    )
    tell(redemption, "已取消", f"{reason}，{redemption.points}积分已退还")
    return redemption


def cancel_uncollected() -> int:
    """Reserved redemptions past ``collect_by`` become uncollected, with their points and stock back and
    the volunteer told — except an item still waiting in a cabinet (its deposit's expiry comes first).
    Idempotent and safe to run twice at once: the accounts are locked in order before any redemption
    moves, each move is conditional, and a redemption moved by the other run is skipped. At most
    UNCOLLECTED_BATCH a run."""
    due = db.session.scalars(
        sa.select(Redemption)
        .where(
            Redemption.status == RESERVED,
            Redemption.collect_by <= now(),
            sa.or_(Redemption.deposit_id.is_(None), ~Redemption.deposit_id.in_(live_deposit_ids())),
        )
        .order_by(Redemption.user_id, Redemption.id)
        .limit(UNCOLLECTED_BATCH)
    ).all()
    for user_id in sorted({r.user_id for r in due}):
        lock_account(user_id)
    moved = 0
    for redemption in due:
        not_in_locker = sa.or_(
            Redemption.deposit_id.is_(None), ~Redemption.deposit_id.in_(live_deposit_ids())
        )
        if give_back(redemption, UNCOLLECTED, "逾期未领取", not_in_locker):
            moved += 1
            tell(redemption, "逾期未领", f"{redemption.points}积分已退还")
    return moved
