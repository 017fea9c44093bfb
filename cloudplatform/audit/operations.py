"""The one audit writer: every module records who did what through record()."""

from typing import Any, Protocol

from flask import g, has_request_context, request

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db

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
    actor_type, actor_id, actor_name = actor.audit_identity if actor is not None else SYSTEM
    entry = AuditEntry(
        actor_type=actor_type,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=str(target.id) if target is not None else None,
        community_id=community_id,
        details=details or {},
        request_id=g.get("request_id") if has_request_context() else None,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
