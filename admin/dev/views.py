"""开发用: what the local WeChat stand-in received (never in production)."""

import logging

import requests
from flask import current_app, render_template

from admin import bp
from admin.auth import current_staff, login_required, require_dev_tools
from cloudplatform.identity.queries import openid_labels
from cloudplatform.notify.templates import TEMPLATES

log = logging.getLogger(__name__)

STANDIN_TIMEOUT = 3  # seconds


def standin_messages() -> list[dict] | None:
    """The subscribe messages the stand-in recorded, newest first; None when it cannot be reached."""
    url = current_app.config["WECHAT_API_BASE"].rstrip("/") + "/_standin/messages"
    try:
        response = requests.get(url, timeout=STANDIN_TIMEOUT)
        response.raise_for_status()
        items = response.json()["items"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        log.warning("WeChat stand-in not reachable: %s", type(error).__name__)
        return None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else None


def template_titles() -> dict[str, str]:
    """WeChat's template ids (this app's configuration) → the templates' titles."""
    ids = current_app.config.get("WECHAT_TEMPLATES") or {}
    return {template_id: TEMPLATES[key].title for key, template_id in ids.items() if key in TEMPLATES}


@bp.get("/dev/wechat-messages")
@login_required
def dev_wechat_messages():
    require_dev_tools(current_staff())
    messages = standin_messages()
    openids = {m.get("touser") for m in messages or () if isinstance(m.get("touser"), str)}
    return render_template(
        "admin/dev/wechat_messages.html",
        messages=messages,
        titles=template_titles(),
        users=openid_labels(openids),
    )
