"""云柜: staff (or the system) deposit items for residents; cabinets open doors on codes and report door
events; jobs remind, expire and tidy up; staff retrieve expired deposits, open doors remotely, cancel
deposits and rotate a cabinet's keys.

Every decision is one conditional UPDATE, so that concurrent requests have one winner: a compartment
goes free → occupied once (the smallest free size that fits, the lowest number; ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL lets concurrent deposits take different doors), a code moves its deposit waiting
→ opening once (concurrent entries of one code open one door once). A new code is unique among the
cabinet's live deposits by the partial unique index ``uq_deposit_live_code``: a collision draws a new
salt inside a savepoint.

When a door opens: a resident's pickup answers the compartment to the signed ``/pickups`` request
itself; a staff action (a remote open, a retrieval) is answered to the cabinet's next signed heartbeat
(``doors_to_open``). A door that does not open within ``OPEN_TIMEOUT`` of the command puts its deposit
back (the job ``return_stuck_openings``, every minute): a resident's pickup returns to waiting (the same
code works again), a staff action is dropped.
"""

import functools
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app

from cloudplatform.audit.operations import record
from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import RESIDENT, Membership, StaffAccount, User
from cloudplatform.identity.permissions import requires
from cloudplatform.locker import codes
from cloudplatform.locker.errors import (
    CabinetLocked,
    CabinetNotFound,
    CodeRefused,
    CodeUnavailable,
    DepositNotExpired,
    DepositNotWaiting,
    NoCompartment,
    RecipientNotResident,
)
from cloudplatform.locker.models import CANCELLED as DEPOSIT_CANCELLED
from cloudplatform.locker.models import (
    COLLECTED,
    DELIVERY,
    DEPOSITED,
    DROPOFF,
    EXPIRED,
    FAULT,
    FREE,
    LAPSED,
    OCCUPIED,
    OPENING,
    PICKED_UP,
    RESERVED,
    RESERVED_DROPOFF,
    RETRIEVED,
    SIZES,
    WAITING,
    Cabinet,
    CabinetKey,
    Compartment,
    Deposit,
)
from cloudplatform.locker.signing import CabinetDisabled, prune_nonces
from cloudplatform.notify.operations import notify
from cloudplatform.notify.templates import THING_MAX, fit

DEPOSIT = "locker.deposit"
MANAGE = "locker.manage"
PAGE = "pages/lockers/deposits"
OPEN_TIMEOUT = timedelta(minutes=2)  # a commanded door that has not opened by then stays shut
FAILURE_WINDOW = timedelta(hours=1)
CODE_TRIES = 5  # fresh salts drawn when a code collides with a live one of the cabinet
SIZE_ORDER = list(SIZES)  # S < M < L
ACTIVE_KEYS = 2  # a rotation keeps the newest two keys, so that a cabinet switches without downtime

# What other modules do when a delivery is picked up, in the same transaction (the 爱心超市 fulfils the
# redemption the deposit was made for): each is called with the deposit, now PICKED_UP. They register
# themselves here; the locker never imports its callers.
ON_PICKED_UP: list[Callable[[Deposit], None]] = []


F = TypeVar("F", bound=Callable[..., Any])


def requires_unless_system(action: str) -> Callable[[F], F]:
    """Like ``requires``, for an operation other modules also call as the system (``staff`` None)."""

    def decorate(operation: F) -> F:
        @functools.wraps(operation)
        def checked(staff, *args, **kwargs):
            if staff is not None:
                permissions.require(staff, action)
            return operation(staff, *args, **kwargs)

        checked.action = action  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


# -- deposits -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    """A new deposit and its codes: the code and token go to the recipient only (never to staff)."""

    deposit: Deposit
    code: str
    qr_token: str


def size_rank(column) -> sa.ColumnElement[int]:
    return sa.case({size: rank for rank, size in enumerate(SIZE_ORDER)}, value=column)


def take_compartment(cabinet_id: int, size: str, state: str = OCCUPIED) -> sa.Row | None:
    """Occupy (or reserve) the best-fitting free compartment of the cabinet (the smallest size ≥ ``size``,
    then the lowest number) in one conditional UPDATE; its (id, number, size), or None when none is free."""
    fitting = SIZE_ORDER[SIZE_ORDER.index(size) :]
    choice = (
        sa.select(Compartment.id)
        .where(Compartment.cabinet_id == cabinet_id, Compartment.state == FREE, Compartment.size.in_(fitting))
        .order_by(size_rank(Compartment.size), Compartment.number)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    table = Compartment.__table__
    return db.session.execute(
        sa.update(table)
        .where(table.c.id == choice, table.c.state == FREE)
        .values(state=state)
        .returning(table.c.id, table.c.number, table.c.size)
    ).first()


@requires_unless_system(DEPOSIT)
def deposit(
    staff: StaffAccount | None, cabinet_id: int, recipient_user_id: int, size: str, item: str
) -> Issued:
    """Leave an item for a resident in a cabinet of their community (staff None: the system, for other
    modules such as aid supplies and rewards). The resident is told through a subscribe message, which
    never carries the code; they see it in the mini-program.

    :raises CabinetNotFound: no such cabinet, or outside the staff member's communities.
    :raises CabinetDisabled: the cabinet is disabled.
    :raises RecipientNotResident: the recipient is not a resident of the cabinet's community.
    :raises NoCompartment: no free compartment of ``size`` or larger.
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size}")
    cabinet = db.session.get(Cabinet, cabinet_id)
    if cabinet is None or (staff is not None and not permissions.in_scope(staff, cabinet.community_id)):
        raise CabinetNotFound()
    if cabinet.disabled:
        raise CabinetDisabled()
    recipient = db.session.scalar(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            User.id == recipient_user_id,
            Membership.community_id == cabinet.community_id,
            Membership.role == RESIDENT,
        )
    )
    if recipient is None:
        raise RecipientNotResident.for_field("recipient_user_id")
    taken = take_compartment(cabinet.id, size)
    if taken is None:
        raise NoCompartment()
    current = now()
    made, code, token = add_with_codes(
        Deposit(
            community_id=cabinet.community_id,
            cabinet_id=cabinet.id,
            compartment_id=taken.id,
            kind=DELIVERY,
            status=WAITING,
            size=taken.size,
            item=item,
            recipient_user_id=recipient.id,
            created_by_id=staff.id if staff is not None else None,
            expires_at=current + timedelta(hours=current_app.config["LOCKER_EXPIRY_HOURS"]),
        )
    )
    notify(
        recipient,
        "locker_deposit",
        deposit_message(made.item, cabinet, f"请在{current_app.config['LOCKER_EXPIRY_HOURS']}小时内取件"),
        page=PAGE,
    )
    record(
        staff,
        "deposit.create",
        target=made,
        community_id=cabinet.community_id,
        details={"cabinet_id": cabinet.id, "compartment": taken.number, "size": taken.size, "item": item},
    )
    return Issued(made, code, token)


def add_with_codes(made: Deposit) -> tuple[Deposit, str, str]:
    """Add the deposit with fresh codes; a code live in its cabinet already is drawn again.

    :raises CodeUnavailable: every draw collided (a full cabinet of live codes: practically never).
    """
    for _ in range(CODE_TRIES):
        code, token = give_codes(made)
        try:
            with db.session.begin_nested():
                db.session.add(made)
        except sa.exc.IntegrityError:
            continue  # the code is live in this cabinet already: draw another
        return made, code, token
    raise CodeUnavailable()


def give_codes(made: Deposit) -> tuple[str, str]:
    """A fresh salt for the deposit, and the (code, QR token) it gives."""
    made.salt = codes.new_salt()
    code, token = codes.pickup_code(made.salt), codes.qr_token(made.salt)
    made.code_hash, made.qr_hash = codes.code_hash(made.cabinet_id, code), codes.qr_hash(token)
    return code, token


def reserve_dropoff(user: User, cabinet_id: int, size: str, item: str) -> Issued:
    """A resident reserves a compartment to drop an item off for the office: it is held
    LOCKER_DROPOFF_HOLD_MINUTES for the drop-off code, which the resident types at the cabinet; when the
    door closes on the item, staff collect it with a code of their own.

    :raises CabinetNotFound: no such cabinet in one of the user's communities (as a resident).
    :raises CabinetDisabled, NoCompartment
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size}")
    cabinet = db.session.get(Cabinet, cabinet_id)
    if cabinet is None or RESIDENT not in permissions.member_roles(user, cabinet.community_id):
        raise CabinetNotFound()
    if cabinet.disabled:
        raise CabinetDisabled()
    taken = take_compartment(cabinet.id, size, RESERVED)
    if taken is None:
        raise NoCompartment()
    hold = timedelta(minutes=current_app.config["LOCKER_DROPOFF_HOLD_MINUTES"])
    made, code, token = add_with_codes(
        Deposit(
            community_id=cabinet.community_id,
            cabinet_id=cabinet.id,
            compartment_id=taken.id,
            kind=DROPOFF,
            status=RESERVED_DROPOFF,
            size=taken.size,
            item=item,
            sender_user_id=user.id,
            expires_at=now() + hold,
        )
    )
    record(user, "dropoff.reserve", target=made, community_id=cabinet.community_id, details={"item": item})
    return Issued(made, code, token)


def deposit_message(item: str, cabinet: Cabinet, note: str) -> dict:
    """The "locker_deposit" message's values: the item, where the cabinet is, a note (never a code)."""
    where = f"{cabinet.name}（{cabinet.location}）" if cabinet.location else cabinet.name
    return {"thing1": fit(item or "物品", THING_MAX), "thing2": fit(where, THING_MAX), "thing3": note}


def codes_of(deposit: Deposit) -> tuple[str, str]:
    """A deposit's (code, QR token): for its recipient's (or a drop-off's sender's) own eyes only; a
    drop-off's code once it is deposited is the staff's collection code."""
    return codes.pickup_code(deposit.salt), codes.qr_token(deposit.salt)


@requires(DEPOSIT)
def cancel_deposit(staff: StaffAccount, deposit: Deposit, reason: str = "") -> Deposit:
    """Staff take back a deposit still waiting (they hold the item: the compartment is free again)."""
    moved = db.session.execute(
        sa.update(Deposit)
        .where(Deposit.id == deposit.id, Deposit.status == WAITING)
        .values(status=DEPOSIT_CANCELLED, closed_at=now(), finished_by_id=staff.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise DepositNotWaiting()
    free_compartment(deposit.compartment_id)
    db.session.refresh(deposit)
    record(
        staff, "deposit.cancel", target=deposit, community_id=deposit.community_id, details={"reason": reason}
    )
    if deposit.recipient is not None:
        notify(
            deposit.recipient,
            "locker_deposit",
            deposit_message(deposit.item, deposit.cabinet, "存件已取消"),
            page=PAGE,
        )
    return deposit


@requires(MANAGE)
def remote_open(staff: StaffAccount, deposit: Deposit, reason: str) -> Deposit:
    """Open a waiting deposit's door for its recipient on staff's word (a lost phone, say): the cabinet
    opens it on its next heartbeat, and the door closing completes the pickup. Audited with the reason."""
    moved = db.session.execute(
        sa.update(Deposit)
        .where(Deposit.id == deposit.id, Deposit.status == WAITING)
        .values(status=OPENING, opened_at=now(), finished_by_id=staff.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise DepositNotWaiting()
    db.session.refresh(deposit)
    record(
        staff,
        "deposit.remote_open",
        target=deposit,
        community_id=deposit.community_id,
        details={"reason": reason},
    )
    return deposit


@requires(DEPOSIT)
def start_retrieval(staff: StaffAccount, deposit: Deposit) -> Deposit:
    """Staff at the cabinet take back an expired deposit: its door opens on the cabinet's next heartbeat;
    the door closing marks it retrieved and frees the compartment."""
    moved = db.session.execute(
        sa.update(Deposit)
        .where(Deposit.id == deposit.id, Deposit.status == EXPIRED, Deposit.finished_by_id.is_(None))
        .values(opened_at=now(), finished_by_id=staff.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise DepositNotExpired()
    db.session.refresh(deposit)
    record(staff, "deposit.retrieve", target=deposit, community_id=deposit.community_id)
    return deposit


def free_compartment(compartment_id: int) -> None:
    db.session.execute(
        sa.update(Compartment)
        .where(Compartment.id == compartment_id, Compartment.state == OCCUPIED)
        .values(state=FREE)
        .execution_options(synchronize_session=False)
    )


# -- the device: pickups, heartbeats and door events -------------------------------------------------


@dataclass(frozen=True)
class Opened:
    deposit_id: int
    compartment: int


def open_by_code_statement(by_qr: bool, dropoff: bool = False) -> sa.Update:
    """→ opening for the live deposit of cabinet ``:cabinet_id`` with hash ``:hash`` — a waiting delivery
    or a deposited drop-off (staff collecting it); with ``dropoff``, a reserved drop-off — returning its
    id and compartment number. Built once (the hot path): executed with bound values."""
    table = Deposit.__table__
    compartments = Compartment.__table__
    at = sa.bindparam("b_at", type_=table.c.expires_at.type)
    return (
        sa.update(table)
        .where(
            table.c.cabinet_id == sa.bindparam("b_cabinet", type_=sa.Integer),
            (table.c.qr_hash if by_qr else table.c.code_hash) == sa.bindparam("b_hash", type_=sa.String),
            (table.c.status == RESERVED_DROPOFF) if dropoff else table.c.status.in_((WAITING, DEPOSITED)),
            sa.or_(table.c.status == DEPOSITED, table.c.expires_at > at),
        )
        .values(status=OPENING, opened_at=at)
        .returning(
            table.c.id,
            sa.select(compartments.c.number)
            .where(compartments.c.id == table.c.compartment_id)
            .scalar_subquery()
            .label("number"),
        )
    )


OPEN_BY_CODE, OPEN_BY_QR = open_by_code_statement(False), open_by_code_statement(True)
OPEN_DROPOFF = open_by_code_statement(False, dropoff=True)


def pick_up(cabinet: Cabinet, code: str | None = None, qr_token: str | None = None) -> Opened:
    """A code typed (or a QR token scanned) at ``cabinet``, which signed the request: the compartment to
    open. One conditional UPDATE decides, so concurrent entries of one code open one door once.

    :raises CabinetLocked: too many wrong codes here lately (nothing is counted while locked).
    :raises CodeRefused: any code that opens nothing here — wrong, used, expired, another cabinet's;
        it counts towards the lockout (the caller commits the count before answering).
    """
    if code is not None:
        statement, value = OPEN_BY_CODE, codes.code_hash(cabinet.id, code)
    elif qr_token is not None:
        statement, value = OPEN_BY_QR, codes.qr_hash(qr_token)
    else:
        raise CodeRefused()
    return open_by(cabinet, statement, value)


def drop_off(cabinet: Cabinet, code: str) -> Opened:
    """A resident's drop-off code typed at ``cabinet``: the reserved compartment to open. Refusals and
    the lockout as for ``pick_up``."""
    return open_by(cabinet, OPEN_DROPOFF, codes.code_hash(cabinet.id, code))


def open_by(cabinet: Cabinet, statement: sa.Update, value: str) -> Opened:
    """Open the door the statement finds by ``value``, unless the keypad is locked out; a miss counts."""
    current = now()
    if cabinet.locked_until is not None and cabinet.locked_until > current:
        raise CabinetLocked(math.ceil((cabinet.locked_until - current).total_seconds()))
    opened = (
        db.session.connection()
        .execute(statement, {"b_cabinet": cabinet.id, "b_hash": value, "b_at": current})
        .first()
    )
    if opened is None:
        count_failure(cabinet, current)
        raise CodeRefused()
    return Opened(opened.id, opened.number)


def count_failure(cabinet: Cabinet, current: datetime) -> None:
    """Count a wrong code at the cabinet (a window of an hour from the first); the failure that reaches
    LOCKER_LOCKOUT_FAILURES locks code entry for LOCKER_LOCKOUT_MINUTES and alerts staff (an audit entry
    ``locker.lockout`` by the system, shown among the console's alerts)."""
    cfg = current_app.config
    fresh = sa.or_(Cabinet.failures_since.is_(None), Cabinet.failures_since <= current - FAILURE_WINDOW)
    failures = db.session.execute(
        sa.update(Cabinet)
        .where(Cabinet.id == cabinet.id)
        .values(
            failures=sa.case((fresh, 1), else_=Cabinet.failures + 1),
            failures_since=sa.case((fresh, current), else_=Cabinet.failures_since),
        )
        .returning(Cabinet.failures)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if failures < cfg["LOCKER_LOCKOUT_FAILURES"]:
        return
    until = current + timedelta(minutes=cfg["LOCKER_LOCKOUT_MINUTES"])
    locked = db.session.execute(
        sa.update(Cabinet)
        .where(Cabinet.id == cabinet.id, Cabinet.failures >= cfg["LOCKER_LOCKOUT_FAILURES"])
        .values(locked_until=until, failures=0, failures_since=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if locked:  # one racer locks and alerts
        record(
            None,
            "locker.lockout",
            target=cabinet,
            community_id=cabinet.community_id,
            details={"failures": failures, "locked_until": until.isoformat()},
        )


def heartbeat(cabinet: Cabinet, doors: list[dict]) -> list[int]:
    """The cabinet is alive; its doors' states are recorded (a door reported shut that was open counts as
    its door_closed event, in case that event was lost). Returns the compartments to open on staff's
    word (remote opens and retrievals not yet opened, within OPEN_TIMEOUT)."""
    current = now()
    cabinet.last_seen_at = current
    reported = {int(d["number"]): bool(d["open"]) for d in doors}
    opened = [n for n, is_open in reported.items() if is_open]
    if opened:
        db.session.execute(
            sa.update(Compartment)
            .where(Compartment.cabinet_id == cabinet.id, Compartment.number.in_(opened))
            .values(door_open=True)
            .execution_options(synchronize_session=False)
        )
    shut = [n for n, is_open in reported.items() if not is_open]
    if shut:
        was_open = db.session.scalars(
            sa.select(Compartment.number).where(
                Compartment.cabinet_id == cabinet.id, Compartment.number.in_(shut), Compartment.door_open
            )
        ).all()
        for number in was_open:
            door_event(cabinet, DOOR_CLOSED, number)
    return doors_to_open(cabinet, current)


def doors_to_open(cabinet: Cabinet, current: datetime) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Compartment.number)
            .join(Deposit, Deposit.compartment_id == Compartment.id)
            .where(
                Deposit.cabinet_id == cabinet.id,
                Deposit.status.in_((OPENING, EXPIRED)),
                Deposit.finished_by_id.is_not(None),
                Deposit.opened_at > current - OPEN_TIMEOUT,
                Compartment.door_open.is_(False),
            )
            .order_by(Compartment.number)
        )
    )


DOOR_OPENED, DOOR_CLOSED, FAULT_EVENT = "door_opened", "door_closed", "fault"


def door_event(cabinet: Cabinet, kind: str, number: int) -> bool:
    """One door event of the cabinet; False for a compartment it does not have.

    door_opened: the door is open. door_closed: the door is shut; an opening delivery is then picked up,
    an expired one being retrieved is retrieved, and the compartment is free. fault: the compartment
    reports a fault (a free one is taken out of use; staff are alerted through the audit log).
    """
    compartment = db.session.scalar(
        sa.select(Compartment).where(Compartment.cabinet_id == cabinet.id, Compartment.number == number)
    )
    if compartment is None:
        return False
    current = now()
    if kind == DOOR_OPENED:
        compartment.door_open = True
    elif kind == DOOR_CLOSED:
        compartment.door_open = False
        close_door_on(compartment, current)
    elif kind == FAULT_EVENT:
        if compartment.state == FREE:
            compartment.state = FAULT
        record(
            None,
            "locker.fault",
            target=cabinet,
            community_id=cabinet.community_id,
            details={"compartment": number},
        )
    return True


def close_door_on(compartment: Compartment, current: datetime) -> None:
    """A door shut: what was opening in the compartment is done. A delivery is picked up and a drop-off
    collected (the compartment is free); a drop-off just put in is deposited — its code is spent and a
    new one is drawn for the staff who collect it (the compartment is occupied); a retrieval of an
    expired deposit is done (free). A drop-off's first closing is the one that finds ``closed_at`` empty."""
    opening = db.session.scalar(
        sa.select(Deposit)
        .where(
            Deposit.compartment_id == compartment.id,
            sa.or_(
                Deposit.status == OPENING,
                sa.and_(Deposit.status == EXPIRED, Deposit.finished_by_id.is_not(None)),
            ),
        )
        .with_for_update()
    )
    if opening is None:
        return
    if opening.kind == DROPOFF and opening.status == OPENING and opening.closed_at is None:
        opening.status, opening.closed_at = DEPOSITED, current
        give_codes(opening)  # the drop-off code dies; the staff's collection code is born
        compartment.state = OCCUPIED
        record(
            None,
            "dropoff.deposited",
            target=opening,
            community_id=opening.community_id,
            details={"cabinet_id": opening.cabinet_id, "compartment": compartment.number},
        )
        return
    opening.closed_at = current
    if opening.status == EXPIRED:
        opening.status = RETRIEVED
    else:
        opening.status = COLLECTED if opening.kind == DROPOFF else PICKED_UP
    compartment.state = FREE if compartment.state in (OCCUPIED, RESERVED) else compartment.state
    if opening.status == PICKED_UP:
        for picked_up in ON_PICKED_UP:
            picked_up(opening)


@requires(MANAGE)
def set_cabinet_enabled(staff: StaffAccount, cabinet: Cabinet, enabled: bool) -> Cabinet:
    """Disable a cabinet (the device API refuses it, nothing opens) or enable it again; audited."""
    cabinet.disabled = not enabled
    action = "cabinet.enable" if enabled else "cabinet.disable"
    record(staff, action, target=cabinet, community_id=cabinet.community_id)
    return cabinet


@requires(DEPOSIT)
def dropoff_collection_code(staff: StaffAccount, deposit: Deposit) -> str:
    """The code staff type at the cabinet to collect a deposited drop-off; each view is audited.

    :raises DepositNotWaiting: not a drop-off waiting for staff.
    """
    if deposit.kind != DROPOFF or deposit.status != DEPOSITED:
        raise DepositNotWaiting()
    record(staff, "dropoff.view_code", target=deposit, community_id=deposit.community_id)
    return codes_of(deposit)[0]


# -- keys ---------------------------------------------------------------------------------------------


@requires(MANAGE)
def rotate_key(staff: StaffAccount, cabinet: Cabinet) -> tuple[str, str]:
    """Give the cabinet a new key (its secret shown once, to be installed on the cabinet); the previous
    key keeps working until the next rotation, older ones are retired now. Returns (key_id, secret)."""
    if not permissions.in_scope(staff, cabinet.community_id):
        raise CabinetNotFound()
    key_id, secret = f"cab{cabinet.id}-{secrets.token_hex(8)}", secrets.token_hex(32)
    db.session.add(CabinetKey(cabinet_id=cabinet.id, key_id=key_id, secret=secret, active=True))
    db.session.flush()
    keep = (
        sa.select(CabinetKey.id)
        .where(CabinetKey.cabinet_id == cabinet.id, CabinetKey.active.is_(True))
        .order_by(CabinetKey.id.desc())
        .limit(ACTIVE_KEYS)
    )
    db.session.execute(
        sa.update(CabinetKey)
        .where(
            CabinetKey.cabinet_id == cabinet.id,
            CabinetKey.active.is_(True),
            CabinetKey.id.not_in(sa.select(keep.subquery().c.id)),
        )
        .values(active=False, retired_at=now())
        .execution_options(synchronize_session=False)
    )
    record(
        staff,
        "cabinet.rotate_key",
        target=cabinet,
        community_id=cabinet.community_id,
        details={"key_id": key_id},
    )
    return key_id, secret


# -- jobs' work ---------------------------------------------------------------------------------------


def remind_waiting_deposits() -> int:
    """Remind each recipient once, LOCKER_REMINDER_HOURS after the deposit, while it still waits."""
    current = now()
    due = db.session.scalars(
        sa.select(Deposit)
        .where(
            Deposit.status == WAITING,
            Deposit.reminded_at.is_(None),
            Deposit.created_at <= current - timedelta(hours=current_app.config["LOCKER_REMINDER_HOURS"]),
        )
        .options(sa.orm.joinedload(Deposit.recipient), sa.orm.joinedload(Deposit.cabinet))
        .with_for_update(skip_locked=True, of=Deposit)
    ).all()
    for item in due:
        item.reminded_at = current
        if item.recipient is not None:
            notify(
                item.recipient,
                "locker_deposit",
                deposit_message(item.item, item.cabinet, "请尽快取件"),
                page=PAGE,
            )
    return len(due)


def expire_deposits() -> int:
    """Waiting deposits past ``expires_at`` expire: their codes stop working and they become retrieval
    tasks for staff (the compartment stays occupied until the retrieval's door closes)."""
    current = now()
    expired = db.session.execute(
        sa.update(Deposit)
        .where(Deposit.status == WAITING, Deposit.expires_at <= current)
        .values(status=EXPIRED)
        .returning(Deposit.id)
        .execution_options(synchronize_session=False)
    ).all()
    for item in db.session.scalars(
        sa.select(Deposit)
        .where(Deposit.id.in_([r.id for r in expired]))
        .options(sa.orm.joinedload(Deposit.recipient), sa.orm.joinedload(Deposit.cabinet))
    ):
        if item.recipient is not None:
            notify(
                item.recipient,
                "locker_deposit",
                deposit_message(item.item, item.cabinet, "已超时未取，请联系社区"),
                page=PAGE,
            )
    return len(expired)


def return_stuck_openings() -> int:
    """A commanded door that did not open within OPEN_TIMEOUT: a pickup goes back to waiting (its code
    works again), a remote open or a retrieval is dropped (staff ask again)."""
    stale = now() - OPEN_TIMEOUT
    shut = sa.select(Compartment.id).where(Compartment.door_open.is_(False))
    back = sa.case(
        (Deposit.kind == DELIVERY, WAITING),
        (Deposit.closed_at.is_(None), RESERVED_DROPOFF),  # a drop-off not yet put in
        else_=DEPOSITED,  # a drop-off the staff came to collect
    )
    returned = db.session.execute(
        sa.update(Deposit)
        .where(Deposit.status == OPENING, Deposit.opened_at <= stale, Deposit.compartment_id.in_(shut))
        .values(status=back, opened_at=None, finished_by_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    returned += db.session.execute(
        sa.update(Deposit)
        .where(
            Deposit.status == EXPIRED,
            Deposit.finished_by_id.is_not(None),
            Deposit.opened_at <= stale,
            Deposit.compartment_id.in_(shut),
        )
        .values(opened_at=None, finished_by_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return returned


def lapse_dropoff_reservations() -> int:
    """Drop-off reservations never used within their hold lapse: the compartments are free again."""
    lapsed = db.session.execute(
        sa.update(Deposit)
        .where(Deposit.status == RESERVED_DROPOFF, Deposit.expires_at <= now())
        .values(status=LAPSED)
        .returning(Deposit.compartment_id)
        .execution_options(synchronize_session=False)
    ).all()
    if lapsed:
        db.session.execute(
            sa.update(Compartment)
            .where(Compartment.id.in_([row.compartment_id for row in lapsed]), Compartment.state == RESERVED)
            .values(state=FREE)
            .execution_options(synchronize_session=False)
        )
    return len(lapsed)


def forget_nonces() -> int:
    return prune_nonces()
