"""云柜: what residents, staff (the mini-program and the console) and the simulator read. Every staff query
is scoped to the staff member's communities; a record outside answers as if it did not exist."""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.locker.errors import CabinetNotFound, DepositNotFound
from cloudplatform.locker.models import (
    COMPARTMENT_STATES,
    EXPIRED,
    LIVE,
    Cabinet,
    Compartment,
    Deposit,
)
from cloudplatform.pagination import keyset_page

ONLINE_WITHIN = timedelta(minutes=5)  # a cabinet heard from within this long is online
ALERT_ACTIONS = ("locker.lockout", "locker.fault")


@dataclass
class CabinetOccupancy:
    """A cabinet with how many of its compartments are in each state (every state present, 0 or more)."""

    cabinet: Cabinet
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def online(self) -> bool:
        return is_online(self.cabinet)


def is_online(cabinet: Cabinet) -> bool:
    return cabinet.last_seen_at is not None and cabinet.last_seen_at >= now() - ONLINE_WITHIN


def load_cabinet(staff: StaffAccount, cabinet_id: int, action: str = "locker.deposit") -> Cabinet:
    """A cabinet of the staff member's communities: 403 without the right, 404 CABINET_NOT_FOUND outside."""
    permissions.require(staff, action)
    cabinet = db.session.get(Cabinet, cabinet_id)
    if cabinet is None or not permissions.in_scope(staff, cabinet.community_id):
        raise CabinetNotFound()
    return cabinet


def load_deposit(staff: StaffAccount, deposit_id: int, action: str = "locker.deposit") -> Deposit:
    """A deposit of the staff member's communities: 403 without the right, 404 DEPOSIT_NOT_FOUND outside."""
    permissions.require(staff, action)
    deposit = db.session.get(Deposit, deposit_id)
    if deposit is None or not permissions.in_scope(staff, deposit.community_id):
        raise DepositNotFound()
    return deposit


def load_own_deposit(user: User, deposit_id: int) -> Deposit:
    """The recipient's own deposit; anyone else's answers 404 DEPOSIT_NOT_FOUND."""
    deposit = db.session.get(Deposit, deposit_id)
    if deposit is None or deposit.recipient_user_id != user.id:
        raise DepositNotFound()
    return deposit


def cabinets_list(staff: StaffAccount, community_id: int | None = None) -> list[CabinetOccupancy]:
    """The cabinets of the staff member's communities (or of one of them), by community and name, each with
    its compartments counted by state. Two statements."""
    permissions.require(staff, "locker.deposit")
    stmt = sa.select(Cabinet).where(permissions.scope_filter(staff, Cabinet.community_id))
    if community_id is not None:
        stmt = stmt.where(Cabinet.community_id == community_id)
    cabinets = db.session.scalars(stmt.order_by(Cabinet.community_id, Cabinet.name, Cabinet.id)).all()
    found = {c.id: CabinetOccupancy(c, dict.fromkeys(COMPARTMENT_STATES, 0)) for c in cabinets}
    if found:
        for cabinet_id, state, count in db.session.execute(
            sa.select(Compartment.cabinet_id, Compartment.state, sa.func.count())
            .where(Compartment.cabinet_id.in_(found))
            .group_by(Compartment.cabinet_id, Compartment.state)
        ):
            found[cabinet_id].counts[state] = count
    return list(found.values())


def cabinet_with_compartments(
    staff: StaffAccount, cabinet_id: int
) -> tuple[Cabinet, list[tuple[Compartment, Deposit | None]]]:
    """A cabinet and its compartments by number, each with the live deposit holding it (if any). Two
    statements after the cabinet."""
    cabinet = load_cabinet(staff, cabinet_id)
    compartments = db.session.scalars(
        sa.select(Compartment).where(Compartment.cabinet_id == cabinet.id).order_by(Compartment.number)
    ).all()
    live = {
        d.compartment_id: d
        for d in db.session.scalars(
            sa.select(Deposit)
            .options(joinedload(Deposit.recipient))
            .where(Deposit.cabinet_id == cabinet.id, Deposit.status.in_(LIVE))
        )
    }
    return cabinet, [(c, live.get(c.id)) for c in compartments]


def deposits_list(
    staff: StaffAccount,
    *,
    cabinet_id: int | None = None,
    community_id: int | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[Deposit], str | None]:
    """The deposits of the staff member's communities, newest first, optionally of one cabinet, community
    or status: (page, next_cursor)."""
    permissions.require(staff, "locker.deposit")
    stmt = (
        sa.select(Deposit)
        .options(joinedload(Deposit.cabinet), joinedload(Deposit.compartment), joinedload(Deposit.recipient))
        .where(permissions.scope_filter(staff, Deposit.community_id))
    )
    if cabinet_id is not None:
        stmt = stmt.where(Deposit.cabinet_id == cabinet_id)
    if community_id is not None:
        stmt = stmt.where(Deposit.community_id == community_id)
    if status is not None:
        stmt = stmt.where(Deposit.status == status)
    return keyset_page(stmt, [Deposit.id], cursor, limit)


def retrieval_tasks(staff: StaffAccount) -> list[Deposit]:
    """Expired deposits waiting for staff to take them out of their cabinets, oldest first."""
    permissions.require(staff, "locker.deposit")
    return list(
        db.session.scalars(
            sa.select(Deposit)
            .options(
                joinedload(Deposit.cabinet), joinedload(Deposit.compartment), joinedload(Deposit.recipient)
            )
            .where(permissions.scope_filter(staff, Deposit.community_id), Deposit.status == EXPIRED)
            .order_by(Deposit.expires_at, Deposit.id)
        )
    )


def alerts(staff: StaffAccount, limit: int = 50) -> list[AuditEntry]:
    """Lockouts and compartment faults in the staff member's communities, newest first (audit entries
    by the system; ``details`` has the failures and ``locked_until``, or the compartment)."""
    permissions.require(staff, "locker.deposit")
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(
                AuditEntry.action.in_(ALERT_ACTIONS), permissions.scope_filter(staff, AuditEntry.community_id)
            )
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


def offline_cabinets(staff: StaffAccount) -> list[Cabinet]:
    """Enabled cabinets of the staff member's communities not heard from within ONLINE_WITHIN."""
    permissions.require(staff, "locker.deposit")
    return list(
        db.session.scalars(
            sa.select(Cabinet)
            .where(
                permissions.scope_filter(staff, Cabinet.community_id),
                Cabinet.disabled.is_(False),
                sa.or_(Cabinet.last_seen_at.is_(None), Cabinet.last_seen_at < now() - ONLINE_WITHIN),
            )
            .order_by(Cabinet.community_id, Cabinet.name)
        )
    )


def my_deposits_page(user: User, cursor: str | None, limit: int) -> tuple[list[Deposit], str | None]:
    """The resident's deposits, newest first: (page, next_cursor)."""
    stmt = (
        sa.select(Deposit)
        .options(joinedload(Deposit.cabinet), joinedload(Deposit.compartment))
        .where(Deposit.recipient_user_id == user.id)
    )
    return keyset_page(stmt, [Deposit.id], cursor, limit)
