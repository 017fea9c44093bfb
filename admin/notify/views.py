"""消息发送: the notification outbox, newest first."""

from flask import render_template, request

from admin import bp
from admin.auth import current_staff, login_required
from cloudplatform.identity.permissions import require
from cloudplatform.notify.models import STATUS_NAMES, Notification
from cloudplatform.notify.queries import outbox_statement
from cloudplatform.pagination import keyset_page

PAGE_SIZE = 50


@bp.get("/outbox")
@login_required
def outbox():
    staff = require(current_staff(), "outbox.view")
    status = request.args.get("status") if request.args.get("status") in STATUS_NAMES else None
    items, next_cursor = keyset_page(
        outbox_statement(staff, status), [Notification.id], request.args.get("cursor"), PAGE_SIZE
    )
    return render_template(
        "admin/notify/outbox.html",
        items=items,
        status=status,
        status_names=STATUS_NAMES,
        next_cursor=next_cursor,
    )
