"""审计日志: the audit entries of the staff member's communities, newest first; exported too."""

from flask import render_template, request

from admin import bp
from admin.auth import current_staff, login_required
from admin.exports import export_response
from cloudplatform.clock import local, now
from cloudplatform.identity.operations import export_audit_log
from cloudplatform.identity.permissions import require
from cloudplatform.identity.queries import audit_page, community_names

PAGE_SIZE = 50
HEADERS = ["时间", "操作人", "操作", "对象", "社区", "请求"]


@bp.get("/audit")
@login_required
def audit_log():
    staff = require(current_staff(), "audit.view")
    entries, next_cursor = audit_page(staff, request.args.get("cursor"), PAGE_SIZE)
    names = community_names({e.community_id for e in entries})
    return render_template("admin/audit/log.html", entries=entries, names=names, next_cursor=next_cursor)


@bp.get("/audit/export.<any(csv, xlsx):fmt>")
@login_required
def audit_export(fmt):
    """The newest entries in scope as CSV or Excel, the columns of the page; the export is audited."""
    entries = export_audit_log(current_staff(), fmt)
    names = community_names({e.community_id for e in entries})
    rows = [
        [
            f"{local(e.created_at):%Y-%m-%d %H:%M:%S}",
            e.actor_name,
            e.action,
            f"{e.target_type or ''} {e.target_id or ''}".strip(),
            names.get(e.community_id, "") if e.community_id else "",
            e.request_id or "",
        ]
        for e in entries
    ]
    return export_response(fmt, f"审计日志-{local(now()):%Y-%m-%d}", HEADERS, rows)
