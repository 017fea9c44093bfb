"""审计日志: the audit entries of the staff member's communities, newest first."""

from flask import render_template, request

from admin import bp
from admin.auth import current_staff, login_required
from cloudplatform.identity.permissions import require
from cloudplatform.identity.queries import audit_page, community_names

PAGE_SIZE = 50


@bp.get("/audit")
@login_required
def audit_log():
    staff = require(current_staff(), "audit.view")
    entries, next_cursor = audit_page(staff, request.args.get("cursor"), PAGE_SIZE)
    names = community_names({e.community_id for e in entries})
    return render_template("admin/audit/log.html", entries=entries, names=names, next_cursor=next_cursor)
