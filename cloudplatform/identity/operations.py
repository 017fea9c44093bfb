"""Identity operations: WeChat login and tokens, phone binding, residency, staff accounts."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from cloudplatform.audit.models import AuditEntry
from cloudplatform.audit.operations import record
from cloudplatform.clock import now
from cloudplatform.errors import Forbidden, NotFound
from cloudplatform.extensions import db
from cloudplatform.identity import callers, permissions, queries
from cloudplatform.identity.errors import (
    AccountDeleted,
    AlreadyDecided,
    BuildingNotFound,
    CannotDeactivateSelf,
    GridNotInCommunity,
    NotAGridWorker,
    ReasonRequired,
    ResidencyPending,
    SamePassword,
    UserAlreadyLinked,
    UsernameTaken,
    WeakPassword,
    WrongPassword,
)
from cloudplatform.identity.models import (
    APPROVED,
    CITY_ADMIN,
    GRID_WORKER,
    REJECTED,
    RESIDENT,
    STREET_ADMIN,
    Building,
    Community,
    Grid,
    GridAssignment,
    LoginToken,
    Membership,
    ResidencyRequest,
    StaffAccount,
    Street,
    User,
)
from cloudplatform.identity.sessions import end_sessions
from cloudplatform.identity.signals import residency_decided
from cloudplatform.orm import flush_unique, insert_for
from cloudplatform.transitions import transition
from cloudplatform.wechat import get_gateway

REVIEW = "residency.review"
EXPORT_LIMIT = 20_000  # rows in one export

hasher = PasswordHasher()  # argon2id with the library's current parameters
MIN_PASSWORD_LENGTH = 10
_DUMMY_HASH = hasher.hash("timing-equaliser")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in_with_wechat(code: str) -> tuple[User, str, LoginToken]:
    """Exchange a wx.login code for a user (created on first login) and a new bearer token."""
    session = get_gateway().login(code)
    db.session.execute(
        insert_for(db.session, User)
        .values(openid=session.openid, unionid=session.unionid, created_at=now())
        .on_conflict_do_nothing(index_elements=["openid"])
    )
    user = db.session.scalars(sa.select(User).where(User.openid == session.openid)).one()
    if user.deleted_at is not None:
        raise AccountDeleted()
    user.session_key = session.session_key
    if session.unionid:
        user.unionid = session.unionid
    token = secrets.token_urlsafe(32)  # 256 bits
    ttl = timedelta(hours=current_app.config["LOGIN_TOKEN_TTL_HOURS"])
    login = LoginToken(user_id=user.id, token_hash=hash_token(token), expires_at=now() + ttl)
    db.session.add(login)
    db.session.flush()
    return user, token, login


# Every authenticated request the database answers runs this statement (``callers`` answers the others):
# built once (its cache key is computed once too), executed with bound values. It brings the user's
# active staff account along (an outer join on a unique key), so that /me and the mini-program's staff
# views ask for it without another round trip, and the token's expiry, which bounds how long it is
# remembered.
USER_FOR_TOKEN = (
    sa.select(User, StaffAccount, LoginToken.expires_at)
    .join(LoginToken, LoginToken.user_id == User.id)
    .outerjoin(StaffAccount, sa.and_(StaffAccount.user_id == User.id, StaffAccount.is_active.is_(True)))
    .where(
        LoginToken.token_hash == sa.bindparam("token_hash"),
        LoginToken.revoked_at.is_(None),
        LoginToken.expires_at > sa.bindparam("at"),
        User.deleted_at.is_(None),
    )
)


def user_for_token(token: str) -> tuple[User, StaffAccount | None] | None:
    """The live user a bearer token belongs to and their active staff account (None for everyone who is
    not staff), or None: unknown, expired, revoked or deleted."""
    token_hash = hash_token(token)
    return callers.caller_for(
        token_hash,
        lambda: db.session.execute(USER_FOR_TOKEN, {"token_hash": token_hash, "at": now()}).tuples().first(),
    )


def revoke_token(token: str) -> None:
    revoked = db.session.scalars(
        sa.update(LoginToken)
        .where(LoginToken.token_hash == hash_token(token), LoginToken.revoked_at.is_(None))
        .values(revoked_at=now())
        .returning(LoginToken.user_id)
        .execution_options(**{callers.MARKED: True})
    )
    callers.changed(revoked)


def bind_phone(user: User, code: str) -> str:
    """Bind the phone number behind a getPhoneNumber code to the user: a mainland number as its 11
    digits, a foreign one with its country code (+85261234567)."""
    phone = get_gateway().phone_number(code)
    user.phone = phone.pure if phone.mainland else phone.international
    record(user, "user.bind_phone", target=user)
    return user.phone


def request_residency(user: User, community_id: int, building_id: int, room: str, real_name: str):
    """Ask the community to verify the user as a resident of a building; one open request at a time."""
    building = db.session.get(Building, building_id)
    if building is None or building.community_id != community_id:
        raise BuildingNotFound()
    request = ResidencyRequest(
        user_id=user.id, community_id=community_id, building_id=building_id, room=room, real_name=real_name
    )
    db.session.add(request)
    flush_unique(db.session, ResidencyPending())
    record(user, "residency.request", target=request, community_id=community_id)
    return request


@permissions.requires(REVIEW)
def open_residency_request(staff: StaffAccount, request_id: int) -> ResidencyRequest:
    """One request in full (real name, room) for its reviewer; the view is recorded in the audit log."""
    request = permissions.load_scoped(ResidencyRequest, request_id, staff, REVIEW)
    record(staff, "residency.view", target=request, community_id=request.community_id)
    return request


@permissions.requires(REVIEW)
def export_residency_requests(staff: StaffAccount, status: str, fmt: str) -> list[ResidencyRequest]:
    """The residency requests of one status to take away; recorded in the audit log."""
    requests = queries.residency_requests(staff, status, EXPORT_LIMIT)
    details = {"format": fmt, "status": status, "rows": len(requests)}
    record(staff, "export.residency_requests", community_id=staff.community_id, details=details)
    return requests


@permissions.requires("audit.view")
def export_audit_log(staff: StaffAccount, fmt: str) -> list[AuditEntry]:
    """The newest audit entries in scope to take away; the export itself is recorded too."""
    entries = queries.audit_entries(staff, EXPORT_LIMIT)
    record(
        staff,
        "export.audit_log",
        community_id=staff.community_id,
        details={"format": fmt, "rows": len(entries)},
    )
    return entries


@permissions.requires(REVIEW)
def decide_residency(staff: StaffAccount, request: ResidencyRequest, approve: bool, reason: str):
    """Approve (the user becomes a resident there, leaving any former community) or reject; announce
    it with ``residency_decided`` (notify queues the result message in this transaction)."""
    if not approve and not reason.strip():
        raise ReasonRequired(details={"fields": {"reason": ["此项必填"]}})
    transition(
        request,
        APPROVED if approve else REJECTED,
        error=AlreadyDecided(),
        reason=reason,
        decided_by_id=staff.id,
        decided_at=now(),
    )
    if approve:
        db.session.execute(
            sa.delete(Membership).where(
                Membership.user_id == request.user_id,
                Membership.role == RESIDENT,
                Membership.community_id != request.community_id,
            )
        )
        stmt = insert_for(db.session, Membership).values(
            user_id=request.user_id,
            community_id=request.community_id,
            role=RESIDENT,
            building_id=request.building_id,
            room=request.room,
            created_at=now(),
        )
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id", "community_id", "role"],
                set_={"building_id": request.building_id, "room": request.room},
            )
        )
    record(
        staff,
        f"residency.{request.status}",
        target=request,
        community_id=request.community_id,
        details={"reason": reason} if reason else None,
    )
    residency_decided.send(request, approved=approve, reason=reason)
    return request


def create_staff_account(
    staff: StaffAccount | None,
    username: str,
    password: str,
    display_name: str,
    role: str,
    *,
    community_id: int | None = None,
    street_id: int | None = None,
) -> StaffAccount:
    """Create a console account; ``staff`` (None for the system) may only grant within its own scope."""
    if staff is not None and not permissions.can_grant(staff, role, community_id, street_id):
        raise Forbidden("无权创建该角色或该范围的账号")
    if role == STREET_ADMIN and db.session.get(Street, street_id) is None:
        raise NotFound("街道不存在")
    if role not in (STREET_ADMIN, CITY_ADMIN) and db.session.get(Community, community_id) is None:
        raise NotFound("社区不存在")
    account = StaffAccount(
        username=username,
        password_hash=hasher.hash(password),
        display_name=display_name,
        role=role,
        community_id=community_id if role not in (STREET_ADMIN, CITY_ADMIN) else None,
        street_id=street_id if role == STREET_ADMIN else None,
    )
    db.session.add(account)
    flush_unique(db.session, UsernameTaken())
    record(
        staff,
        "staff.create",
        target=account,
        community_id=account.community_id,
        details={"username": username, "role": role},
    )
    return account


def link_staff_to_user(staff: StaffAccount | None, account: StaffAccount, user: User | None) -> None:
    """Let the staff member work from the mini-program as this WeChat user (None unlinks)."""
    account.user_id = user.id if user is not None else None
    flush_unique(db.session, UserAlreadyLinked())
    record(
        staff,
        "staff.link_user",
        target=account,
        community_id=account.community_id,
        details={"user_id": account.user_id},
    )


@permissions.requires("staff.manage")
def set_staff_active(staff: StaffAccount, account: StaffAccount, active: bool) -> None:
    """Let the account sign in again, or stop it (never one's own)."""
    if account.id == staff.id and not active:
        raise CannotDeactivateSelf()
    account.is_active = active
    if not active:
        end_sessions(account)
    record(
        staff,
        "staff.activate" if active else "staff.deactivate",
        target=account,
        community_id=account.community_id,
    )


@permissions.requires("staff.manage")
def assign_grids(staff: StaffAccount, account: StaffAccount, grid_ids: list[int]) -> list[Grid]:
    """Set the grids a grid worker looks after (none: the whole community). From then on their
    residency reviews and aid cases are those of their grids' buildings (``permissions.scope_filter``)."""
    if account.role != GRID_WORKER:
        raise NotAGridWorker()
    grids = list(db.session.scalars(sa.select(Grid).where(Grid.id.in_(set(grid_ids))).order_by(Grid.id)))
    if len(grids) != len(set(grid_ids)) or any(g.community_id != account.community_id for g in grids):
        raise GridNotInCommunity()
    db.session.execute(sa.delete(GridAssignment).where(GridAssignment.staff_id == account.id))
    db.session.add_all(GridAssignment(staff_id=account.id, grid_id=g.id) for g in grids)
    record(
        staff,
        "staff.grids",
        target=account,
        community_id=account.community_id,
        details={"grids": [g.name for g in grids]},
    )
    return grids


def _matches(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_new_password(account: StaffAccount, password: str, field: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH or password == account.username:
        raise WeakPassword.for_field(field)


@permissions.requires("account.own")
def change_own_password(staff: StaffAccount, current_password: str, new_password: str) -> None:
    """Replace one's own password, proving the current one; a forced change is then done. Every session
    of the account ends (the console signs the changing browser in again)."""
    if not _matches(staff.password_hash, current_password):
        raise WrongPassword.for_field("current_password")
    _check_new_password(staff, new_password, "new_password")
    if new_password == current_password:
        raise SamePassword.for_field("new_password")
    staff.password_hash = hasher.hash(new_password)
    staff.must_change_password = False
    end_sessions(staff)
    record(staff, "staff.password_change", target=staff, community_id=staff.community_id)


@permissions.requires("staff.manage")
def reset_staff_password(staff: StaffAccount, account: StaffAccount, temporary_password: str) -> None:
    """Give an account of one's scope and rank a temporary password it must change at next sign-in."""
    if not permissions.can_grant(staff, account.role, account.community_id, account.street_id):
        raise Forbidden("无权管理该角色的账号")
    _check_new_password(account, temporary_password, "password")
    account.password_hash = hasher.hash(temporary_password)
    account.must_change_password = True
    end_sessions(account)
    record(
        staff,
        "staff.password_reset",
        target=account,
        community_id=account.community_id,
        details={"username": account.username},
    )


def authenticate_staff(username: str, password: str) -> StaffAccount | None:
    """Return the active, unlocked account whose password matches, else None: the same answer and the same
    work (one password check) for an unknown account, a wrong password and a locked account.

    From ``STAFF_LOCKOUT_FAILURES`` wrong passwords in a row on, each wrong one locks the account, the
    first time for ``STAFF_LOCKOUT_MINUTES``, each time after twice as long (at most a day); while locked
    even the right password is refused. A successful sign-in starts the count again."""
    account = db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == username))
    matches = _matches(account.password_hash if account else _DUMMY_HASH, password)
    if account is None:
        return None
    if account.locked:
        record(account, "staff.sign_in_failed", community_id=account.community_id, details={"locked": True})
        return None
    if not matches:
        _count_failure(account)
        return None
    if not account.is_active:
        return None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    account.last_sign_in_at = now()
    account.failed_sign_ins, account.lockouts, account.locked_until = 0, 0, None
    record(account, "staff.sign_in", community_id=account.community_id)
    return account


MAX_LOCK = timedelta(days=1)


def _count_failure(account: StaffAccount) -> None:
    account.failed_sign_ins = StaffAccount.failed_sign_ins + 1  # in the database: parallel tries all count
    db.session.flush()
    record(account, "staff.sign_in_failed", community_id=account.community_id)
    if account.failed_sign_ins < current_app.config["STAFF_LOCKOUT_FAILURES"]:
        return
    first = timedelta(minutes=current_app.config["STAFF_LOCKOUT_MINUTES"])
    duration = min(first * 2 ** min(account.lockouts, 20), MAX_LOCK)
    account.lockouts += 1
    account.locked_until = now() + duration
    record(
        account,
        "staff.lock",
        target=account,
        community_id=account.community_id,
        details={"minutes": int(duration.total_seconds() // 60)},
    )


@permissions.requires("staff.manage")
def unlock_staff_account(staff: StaffAccount, account: StaffAccount) -> None:
    """Let a locked account sign in again at once, its count of wrong passwords started again."""
    if not permissions.can_grant(staff, account.role, account.community_id, account.street_id):
        raise Forbidden("无权管理该角色的账号")
    account.failed_sign_ins, account.lockouts, account.locked_until = 0, 0, None
    record(staff, "staff.unlock", target=account, community_id=account.community_id)
