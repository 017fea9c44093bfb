"""云柜: what residents, staff (the mini-program and the console) and the simulator read. Every staff query
is scoped to the staff member's communities; a record outside answers as if it did not exist."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import RESIDENT, Community, Membership, StaffAccount, User
from cloudplatform.identity.queries import UserLabel, user_labels, users_named
from cloudplatform.locker.errors import CabinetNotFound, DepositNotFound
from cloudplatform.locker.models import (
    COMPARTMENT_STATES,
    DEPOSITED,
    EXPIRED,
    LIVE,
    OCCUPIED,
    RESERVED,
    Cabinet,
    CabinetKey,
    Compartment,
    Deposit,
)
from cloudplatform.pagination import (
    CONSOLE_PAGE_SIZE,
    NumberedPage,
    contains,
    keyset_page,
    numbered_page,
    sort_order,
)

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
    return permissions.load_scoped(Cabinet, cabinet_id, staff, action, CabinetNotFound)


def load_deposit(staff: StaffAccount, deposit_id: int, action: str = "locker.deposit") -> Deposit:
    """A deposit of the staff member's communities: 403 without the right, 404 DEPOSIT_NOT_FOUND outside."""
    return permissions.load_scoped(Deposit, deposit_id, staff, action, DepositNotFound)


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


def pending_dropoff_count(staff: StaffAccount) -> int:
    """Residents' drop-offs in the staff member's cabinets waiting for staff to collect (one statement)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Deposit)
            .where(Deposit.status == DEPOSITED, permissions.scope_filter(staff, Deposit.community_id))
        )
        or 0
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
    """The resident's deposits — items left for them and their own drop-offs — newest first."""
    stmt = (
        sa.select(Deposit)
        .options(joinedload(Deposit.cabinet), joinedload(Deposit.compartment))
        .where(sa.or_(Deposit.recipient_user_id == user.id, Deposit.sender_user_id == user.id))
    )
    return keyset_page(stmt, [Deposit.id], cursor, limit)


# -- the console's pages (admin/locker): cabinets with their occupancy, deposits, retrieval, alerts ----

CABINET_STATES = {"online": "在线", "offline": "离线", "locked": "键盘锁定中", "disabled": "已停用"}
CABINET_SORTS: dict[str, list] = {
    "name": [Cabinet.name, Cabinet.id],
    "community": [Community.name, Cabinet.id],
    "seen": [Cabinet.last_seen_at, Cabinet.id],
}
DEPOSIT_SORTS: dict[str, list] = {
    "created": [Deposit.created_at, Deposit.id],
    "expires": [Deposit.expires_at, Deposit.id],
}


def online_since() -> datetime:
    """Cabinets heard from since then are online."""
    return now() - ONLINE_WITHIN


def _cabinet_state(state: str | None) -> sa.ColumnElement[bool] | None:
    seen = online_since()
    return {
        "online": sa.and_(Cabinet.last_seen_at >= seen, Cabinet.disabled.is_(False)),
        "offline": sa.and_(
            sa.or_(Cabinet.last_seen_at.is_(None), Cabinet.last_seen_at < seen), Cabinet.disabled.is_(False)
        ),
        "locked": Cabinet.locked_until > now(),
        "disabled": Cabinet.disabled.is_(True),
    }.get(state or "")


def cabinets_page(
    staff: StaffAccount,
    *,
    q: str = "",
    community_id: int | None = None,
    state: str | None = None,
    sort: str = "name",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 云柜列表: cabinets of the staff member's communities (403 without the right), of
    one of them, in a state (online, offline, locked, disabled), whose name, location or community
    contains ``q``; with their community. Two statements."""
    staff = permissions.require(staff, "locker.deposit")
    stmt = (
        sa.select(Cabinet)
        .join(Community, Community.id == Cabinet.community_id)
        .where(permissions.scope_filter(staff, Cabinet.community_id))
        .options(sa.orm.contains_eager(Cabinet.community))
    )
    if q:
        stmt = stmt.where(
            sa.or_(contains(Cabinet.name, q), contains(Cabinet.location, q), contains(Community.name, q))
        )
    if community_id is not None:
        stmt = stmt.where(Cabinet.community_id == community_id)
    condition = _cabinet_state(state)
    if condition is not None:
        stmt = stmt.where(condition)
    return numbered_page(stmt, sort_order(sort, CABINET_SORTS), page, per_page)


def compartment_counts(cabinet_ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """cabinet id → size → compartment state → how many, in one statement (none for no ids)."""
    if not cabinet_ids:
        return {}
    rows = db.session.execute(
        sa.select(Compartment.cabinet_id, Compartment.size, Compartment.state, sa.func.count())
        .where(Compartment.cabinet_id.in_(cabinet_ids))
        .group_by(Compartment.cabinet_id, Compartment.size, Compartment.state)
    ).tuples()
    counts: dict[int, dict[str, dict[str, int]]] = {}
    for cabinet_id, size, state, n in rows:
        counts.setdefault(cabinet_id, {}).setdefault(size, {})[state] = n
    return counts


def cabinets_for_deposit(staff: StaffAccount) -> list[Cabinet]:
    """The enabled cabinets of the staff member's communities, by community and name (a form's select)."""
    staff = permissions.require(staff, "locker.deposit")
    return list(
        db.session.scalars(
            sa.select(Cabinet)
            .join(Community, Community.id == Cabinet.community_id)
            .where(permissions.scope_filter(staff, Cabinet.community_id), Cabinet.disabled.is_(False))
            .options(sa.orm.contains_eager(Cabinet.community))
            .order_by(Community.name, Cabinet.name, Cabinet.id)
        )
    )


def search_recipients(cabinet: Cabinet, q: str, limit: int = 10) -> list[UserLabel]:
    """Residents of the cabinet's community whose name or nickname contains ``q`` (or whose phone ends
    with it), as staff lists show them: two statements."""
    ids = db.session.scalars(
        sa.select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.community_id == cabinet.community_id,
            Membership.role == RESIDENT,
            User.deleted_at.is_(None),
            Membership.user_id.in_(users_named(q)),
        )
        .order_by(Membership.user_id)
        .limit(limit)
    )
    labels = user_labels(list(ids))
    return sorted(labels.values(), key=lambda label: label.user_id)


def deposits_page(
    staff: StaffAccount,
    *,
    q: str = "",
    status: str | None = None,
    cabinet_id: int | None = None,
    community_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str = "-created",
    page: int = 1,
    per_page: int = CONSOLE_PAGE_SIZE,
) -> NumberedPage:
    """The console's 存取记录 (and 待回收: ``status`` expired): deposits of the staff member's communities
    (403 without the right) with a status, at a cabinet, of a community, made in [since, until), whose
    item or recipient's (or sender's) name contains ``q``; with their cabinet and compartment. Two
    statements."""
    staff = permissions.require(staff, "locker.deposit")
    stmt = (
        sa.select(Deposit)
        .where(permissions.scope_filter(staff, Deposit.community_id))
        .options(sa.orm.joinedload(Deposit.cabinet), sa.orm.joinedload(Deposit.compartment))
    )
    if q:
        named = users_named(q)
        stmt = stmt.where(
            sa.or_(
                contains(Deposit.item, q),
                Deposit.recipient_user_id.in_(named),
                Deposit.sender_user_id.in_(named),
            )
        )
    if status is not None:
        stmt = stmt.where(Deposit.status == status)
    if cabinet_id is not None:
        stmt = stmt.where(Deposit.cabinet_id == cabinet_id)
    if community_id is not None:
        stmt = stmt.where(Deposit.community_id == community_id)
    if since is not None:
        stmt = stmt.where(Deposit.created_at >= since)
    if until is not None:
        stmt = stmt.where(Deposit.created_at < until)
    return numbered_page(stmt, sort_order(sort, DEPOSIT_SORTS), page, per_page)


def deposit_status_counts(staff: StaffAccount, community_id: int | None = None) -> dict[str, int]:
    """Deposits of the staff member's communities (or one of them) by status: one statement."""
    in_scope = permissions.scope_filter(staff, Deposit.community_id)
    stmt = sa.select(Deposit.status, sa.func.count()).where(in_scope)
    if community_id is not None:
        stmt = stmt.where(Deposit.community_id == community_id)
    return dict(db.session.execute(stmt.group_by(Deposit.status)).tuples().all())


@dataclass(frozen=True)
class LockerFigures:
    cabinets: int
    compartments: int
    occupied: int
    offline: int
    locked: int
    retrievals: int


def locker_figures(staff: StaffAccount) -> LockerFigures:
    """The dashboard's 云柜 card for the staff member's communities in one statement: cabinets,
    compartments and those holding something, offline and locked-out cabinets, expired deposits."""
    in_scope = permissions.scope_filter(staff, Cabinet.community_id)
    cabinets = sa.select(Cabinet.id).where(in_scope)
    seen = online_since()
    row = db.session.execute(
        sa.select(
            sa.select(sa.func.count()).where(in_scope).select_from(Cabinet).scalar_subquery(),
            sa.select(sa.func.count())
            .where(Compartment.cabinet_id.in_(cabinets))
            .select_from(Compartment)
            .scalar_subquery(),
            sa.select(sa.func.count())
            .where(Compartment.cabinet_id.in_(cabinets), Compartment.state.in_((OCCUPIED, RESERVED)))
            .select_from(Compartment)
            .scalar_subquery(),
            sa.select(sa.func.count())
            .where(
                in_scope,
                Cabinet.disabled.is_(False),
                sa.or_(Cabinet.last_seen_at.is_(None), Cabinet.last_seen_at < seen),
            )
            .select_from(Cabinet)
            .scalar_subquery(),
            sa.select(sa.func.count())
            .where(in_scope, Cabinet.locked_until > now())
            .select_from(Cabinet)
            .scalar_subquery(),
            sa.select(sa.func.count())
            .where(permissions.scope_filter(staff, Deposit.community_id), Deposit.status == EXPIRED)
            .select_from(Deposit)
            .scalar_subquery(),
        )
    ).one()
    return LockerFigures(*row)


def cabinet_keys(cabinet: Cabinet) -> list[CabinetKey]:
    """The cabinet's keys, newest first (the secrets are never shown again)."""
    return list(
        db.session.scalars(
            sa.select(CabinetKey).where(CabinetKey.cabinet_id == cabinet.id).order_by(CabinetKey.id.desc())
        )
    )


def staff_names(account_ids: set[int | None]) -> dict[int, str]:
    """Staff accounts' display names by id (who deposited, who retrieved): one statement, none for no ids."""
    ids = {i for i in account_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(StaffAccount.id, StaffAccount.display_name).where(StaffAccount.id.in_(ids))
    ).tuples()
    return dict(rows.all())


def cabinet_names(cabinet_ids: set[int]) -> dict[int, str]:
    """Cabinets' names by id: one statement, none for no ids."""
    if not cabinet_ids:
        return {}
    rows = db.session.execute(sa.select(Cabinet.id, Cabinet.name).where(Cabinet.id.in_(cabinet_ids))).tuples()
    return dict(rows.all())
