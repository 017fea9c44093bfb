"""消息发送: the notification outbox, newest first, by status, template and recipient; templates by
their titles and recipients by their masked names and buildings."""

from flask import render_template

from admin import bp
from admin.auth import current_staff, login_required
from admin.lists import list_args
from cloudplatform.identity.permissions import require
from cloudplatform.identity.queries import user_labels
from cloudplatform.notify.models import STATUS_NAMES
from cloudplatform.notify.queries import outbox_page
from cloudplatform.notify.templates import TEMPLATES

TEMPLATE_TITLES = {key: template.title for key, template in TEMPLATES.items()}


@bp.get("/outbox")
@login_required
def outbox():
    staff = require(current_staff(), "outbox.view")
    args = list_args(sorts=("-created", "created"), filters=("status", "template"))
    status = args.get("status") if args.get("status") in STATUS_NAMES else None
    template_key = args.get("template") if args.get("template") in TEMPLATE_TITLES else None
    page = outbox_page(
        staff,
        status=status,
        template_key=template_key,
        q=args.q,
        oldest_first=args.sort == "created",
        page=args.page,
    )
    return render_template(
        "admin/notify/outbox.html",
        page=page,
        args=args,
        status=status,
        status_names=STATUS_NAMES,
        titles=TEMPLATE_TITLES,
        users=user_labels(n.user_id for n in page.items),
    )
