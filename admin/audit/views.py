"""审计日志: the audit entries of the staff member's communities, newest first, searchable by who did
it, what and when; actions by their Chinese names, targets linked to their pages; exported too."""

from dataclasses import dataclass
from datetime import date

from flask import render_template

from admin import bp
from admin.audit.names import ACTION_NAMES, Target, action_name, target_of
from admin.auth import current_staff, login_required
from admin.exports import export_response
from admin.lists import list_args
from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import local, local_day_bounds, now
from cloudplatform.identity.operations import export_audit_log
from cloudplatform.identity.permissions import require
from cloudplatform.identity.queries import audit_page, community_names, user_labels

HEADERS = ["时间", "操作人", "操作", "对象", "社区", "请求"]
SORTS = ("-time", "time")
FIRST_YEAR, LAST_YEAR = 2000, 2099  # a day outside these is a typo (and would overflow the bounds)


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    actor: str
    action: str
    target: Target | None
    community: str


def parse_day(value: str) -> date | None:
    """A Beijing calendar day typed as YYYY-MM-DD; anything else is ignored."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def rows_of(entries: list[AuditEntry]) -> list[Row]:
    """The entries as the log shows them: two statements for any number of entries."""
    communities = community_names({e.community_id for e in entries})
    user_ids = {e.actor_id for e in entries if e.actor_type == "user"}
    user_ids |= {
        int(e.target_id) for e in entries if e.target_type == "User" and (e.target_id or "").isdigit()
    }
    users = user_labels(user_ids)
    return [
        Row(
            entry=e,
            actor=str(users[e.actor_id]) if e.actor_type == "user" and e.actor_id in users else e.actor_name,
            action=action_name(e.action, e.details),
            target=target_of(e.target_type, e.target_id, users),
            community=communities.get(e.community_id, "") if e.community_id else "",
        )
        for e in entries
    ]


@bp.get("/audit")
@login_required
def audit_log():
    staff = require(current_staff(), "audit.view")
    args = list_args(sorts=SORTS, filters=("action", "from", "to"))
    action = args.get("action") if args.get("action") in ACTION_NAMES else None
    since, until = parse_day(args.get("from")), parse_day(args.get("to"))
    page = audit_page(
        staff,
        q=args.q,
        action=action,
        since=local_day_bounds(since)[0] if since else None,
        until=local_day_bounds(until)[1] if until else None,
        sort=args.sort,
        page=args.page,
    )
    return render_template(
        "admin/audit/log.html",
        page=page,
        rows=rows_of(page.items),
        args=args,
        actions=list(ACTION_NAMES.items()),
        since=since,
        until=until,
    )


@bp.get("/audit/export.<any(csv, xlsx):fmt>")
@login_required
def audit_export(fmt):
    """The newest entries in scope as CSV or Excel, the columns of the page; the export is audited."""
    rows = rows_of(export_audit_log(current_staff(), fmt))
    table = [
        [
            f"{local(r.entry.created_at):%Y-%m-%d %H:%M:%S}",
            r.actor,
            r.action,
            r.target.text if r.target else "",
            r.community,
            r.entry.request_id or "",
        ]
        for r in rows
    ]
    return export_response(fmt, f"审计日志-{local(now()):%Y-%m-%d}", HEADERS, table)
