"""The one audit writer: every module records who did what through record()."""

from typing import Any, Protocol

from flask import g, has_request_context, request

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.orm import Chain, Ref

SYSTEM = ("system", None, "系统")


class Actor(Protocol):
    @property
    def audit_identity(self) -> tuple[str, int | None, str]: ...


def record(
    actor: Actor | None,
    action: str,
    *,
    target: Any = None,
    community_id: int | None = None,
    details: dict | None = None,
) -> AuditEntry:
    """Add an audit entry to the caller's transaction; actor None means the system (a job)."""
    target_type = type(target).__name__ if target is not None else None
    target_id = str(target.id) if target is not None else None
    entry = AuditEntry(**entry_values(actor, action, target_type, target_id, community_id, details))
    db.session.add(entry)
    return entry


def record_in(
    chain: Chain,
    actor: Actor | None,
    action: str,
    *,
    target_type: str,
    target_id: Ref,
    community_id: int | None = None,
    details: dict | None = None,
) -> None:
    """``record`` as the last step ("audit") of a chain of writes whose earlier step made the target."""
    values = entry_values(actor, action, target_type, target_id, community_id, details)
    chain.insert("audit", AuditEntry, values)


def entry_values(
    actor: Actor | None,
    action: str,
    target_type: str | None,
    target_id: str | Ref | None,
    community_id: int | None,
    details: dict | None,
) -> dict[str, Any]:
    actor_type, actor_id, actor_name = actor.audit_identity if actor is not None else SYSTEM
    return dict(
        created_at=now(),
        actor_type=actor_type,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        target_type=target_type,
        target_id=target_id,
        community_id=community_id,
        details=details or {},
        request_id=g.get("request_id") if has_request_context() else None,
        ip=request.remote_addr if has_request_context() else None,
    )
