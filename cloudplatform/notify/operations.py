"""The one outbox for messages to users (WeChat subscribe messages), delivered by a job."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import now
from cloudplatform.errors import Unprocessable
from cloudplatform.extensions import db
from cloudplatform.identity.models import User
from cloudplatform.notify.models import FAILED, PENDING, SENT, SKIPPED, Notification, SubscriptionConsent
from cloudplatform.orm import insert_for
from cloudplatform.wechat import WeChatNoConsent, get_gateway

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 100


class UnknownTemplate(Unprocessable):
    """A subscribe-message template key the platform does not send (see ``template_keys``' enum)."""

    code, message = "UNKNOWN_TEMPLATE", "未知的消息模板"


def notify(user: User, template_key: str, data: dict, page: str | None = None) -> Notification:
    """Queue a message in the caller's transaction: it goes out only if the work commits."""
    if template_key not in current_app.config["WECHAT_TEMPLATES"]:
        raise ValueError(f"unknown template key {template_key}")
    message = Notification(user_id=user.id, template_key=template_key, data=data, page=page)
    db.session.add(message)
    return message


def record_consents(user: User, template_keys: list[str]) -> dict[str, int]:
    """Add one unused consent per key the user just accepted; returns the balances."""
    unknown = sorted(set(template_keys) - set(current_app.config["WECHAT_TEMPLATES"]))
    if unknown:
        raise UnknownTemplate(details={"template_keys": unknown})
    for key in template_keys:
        stmt = insert_for(db.session, SubscriptionConsent).values(
            user_id=user.id, template_key=key, remaining=1
        )
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id", "template_key"],
                set_={"remaining": SubscriptionConsent.remaining + 1},
            )
        )
    rows = db.session.execute(
        sa.select(SubscriptionConsent.template_key, SubscriptionConsent.remaining).where(
            SubscriptionConsent.user_id == user.id
        )
    )
    return dict(rows.all())


def spend_consent(user_id: int, template_key: str, delta: int = -1) -> bool:
    """Use up one consent (or give one back with delta=1); False when none was left."""
    table = SubscriptionConsent.__table__
    condition = table.c.remaining > 0 if delta < 0 else sa.true()
    result = db.session.execute(
        table.update()
        .where(table.c.user_id == user_id, table.c.template_key == template_key, condition)
        .values(remaining=table.c.remaining + delta)
    )
    return result.rowcount == 1


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=2**attempts)


def deliver_outbox(limit: int = BATCH) -> dict[str, int]:
    """Send due messages, one consent each; no consent → skipped; WeChat failure → retried, then failed."""
    stmt = (
        sa.select(Notification)
        .where(Notification.status == PENDING, Notification.next_attempt_at <= now())
        .order_by(Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    counts = {SENT: 0, SKIPPED: 0, PENDING: 0, FAILED: 0}
    gateway = get_gateway()
    templates = current_app.config["WECHAT_TEMPLATES"]
    for message in db.session.scalars(stmt).all():
        if not spend_consent(message.user_id, message.template_key):
            message.status = SKIPPED
        else:
            try:
                gateway.send_subscribe(
                    message.user.openid, templates[message.template_key], message.data, message.page
                )
                message.status, message.sent_at = SENT, now()
            except WeChatNoConsent:
                message.status = SKIPPED
            except Exception as error:  # WeChat busy, rate-limited or unreachable: retry later
                spend_consent(message.user_id, message.template_key, delta=1)
                message.attempts += 1
                message.last_error = getattr(error, "code", type(error).__name__)[:200]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = FAILED
                else:
                    message.next_attempt_at = now() + backoff(message.attempts)
                log.warning("notification %s not delivered (%s)", message.id, message.last_error)
        counts[message.status] += 1
    return counts
