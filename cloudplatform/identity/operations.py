"""Identity operations: staff accounts and console sign-in."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cloudplatform.audit.operations import record
from cloudplatform.clock import now
from cloudplatform.errors import Conflict
from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount

hasher = PasswordHasher()  # argon2id with the library's current parameters
_DUMMY_HASH = hasher.hash("timing-equaliser")


def create_staff_account(username: str, password: str, display_name: str, *, by=None) -> StaffAccount:
    """Create a console account with an argon2id password hash."""
    if db.session.scalar(db.select(StaffAccount.id).where(StaffAccount.username == username)):
        raise Conflict("用户名已被使用", code="USERNAME_TAKEN")
    account = StaffAccount(username=username, password_hash=hasher.hash(password), display_name=display_name)
    db.session.add(account)
    db.session.flush()
    record(by, "staff.create", target=account, details={"username": username})
    return account


def authenticate_staff(username: str, password: str) -> StaffAccount | None:
    """Return the active account whose password matches, else None (same work either way)."""
    account = db.session.scalar(db.select(StaffAccount).where(StaffAccount.username == username))
    try:
        hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        if account is not None:
            record(account, "staff.sign_in_failed")
        return None
    if account is None or not account.is_active:
        return None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    account.last_sign_in_at = now()
    record(account, "staff.sign_in")
    return account
