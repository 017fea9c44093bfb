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
from cloudplatform.notify.templates import TEMPLATES, page_declared
from cloudplatform.orm import insert_for
from cloudplatform.wechat import Gateway, WeChatNoConsent, get_gateway

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 100


class UnknownTemplate(Unprocessable):
    """A subscribe-message template key the platform does not send (see ``template_keys``' enum)."""

    code, message = "UNKNOWN_TEMPLATE", "未知的消息模板"


def notify(user: User, template_key: str, values: dict, page: str | None = None) -> Notification:
    """Queue a message in the caller's transaction: it goes out only if the work commits.

    ``values`` maps each keyword of the template (``cloudplatform.notify.templates``) to a plain value
    (str, datetime, date, number), shaped here to WeChat's rule for its type; ``page`` is one of the
    declared pages, a query allowed.

    :raises ValueError: an unknown template or page, a keyword missing or not in the template.
    """
    template = TEMPLATES.get(template_key)
    if template is None or template_key not in current_app.config["WECHAT_TEMPLATES"]:
        raise ValueError(f"unknown template key {template_key}")
    if not page_declared(page):
        raise ValueError(f"page {page} is not one of the mini-program's pages")
    message = Notification(user_id=user.id, template_key=template_key, data=template.build(values), page=page)
    db.session.add(message)
    return message


def record_consents(user: User, template_keys: list[str]) -> dict[str, int]:
    """Add one unused consent per key the user just accepted; returns the balances."""
    unknown = sorted(set(template_keys) - set(TEMPLATES))
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
    """Send due messages, one consent each: no consent → skipped; WeChat refusing a message for good
    (a bad value, template, page or openid) → failed at once with its errcode; WeChat busy,
    rate-limited or unreachable → retried with backoff, failed after MAX_ATTEMPTS."""
    stmt = (
        sa.select(Notification)
        .where(Notification.status == PENDING, Notification.next_attempt_at <= now())
        .order_by(Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    counts = {SENT: 0, SKIPPED: skip_unconsented(), PENDING: 0, FAILED: 0}
    gateway = get_gateway()
    for message in db.session.scalars(stmt).all():
        deliver(message, gateway, current_app.config["WECHAT_TEMPLATES"])
        counts[message.status] += 1
    return counts


def skip_unconsented() -> int:
    """Mark every due message whose user holds no consent for its template SKIPPED, in one UPDATE: a
    backlog of messages nobody agreed to receive never takes the batch from those that can go."""
    consented = sa.exists().where(
        SubscriptionConsent.user_id == Notification.user_id,
        SubscriptionConsent.template_key == Notification.template_key,
        SubscriptionConsent.remaining > 0,
    )
    return db.session.execute(
        sa.update(Notification)
        .where(Notification.status == PENDING, Notification.next_attempt_at <= now(), ~consented)
        .values(status=SKIPPED)
        .execution_options(synchronize_session=False)
    ).rowcount


def deliver(message: Notification, gateway: Gateway, template_ids: dict[str, str]) -> None:
    """Try to send one due message, spending one of the user's consents; record the outcome on it."""
    if not spend_consent(message.user_id, message.template_key):
        message.status = SKIPPED
        return
    try:
        gateway.send_subscribe(
            message.user.openid, template_ids[message.template_key], message.data, message.page
        )
    except WeChatNoConsent as error:  # WeChat knows no consent: ours was stale, and is spent
        message.status, message.errcode = SKIPPED, error.errcode
        return
    except Exception as error:
        spend_consent(message.user_id, message.template_key, delta=1)  # not delivered: still unused
        message.attempts += 1
        message.errcode = getattr(error, "errcode", None)
        message.last_error = describe(error)
        if getattr(error, "permanent", False) or message.attempts >= MAX_ATTEMPTS:
            message.status = FAILED
        else:
            message.next_attempt_at = now() + backoff(message.attempts)
        log.warning("notification %s not delivered (%s)", message.id, message.last_error)
        return
    message.status, message.sent_at = SENT, now()


def describe(error: Exception) -> str:
    """The error's stable code and, from WeChat, what it said (which field it refused)."""
    code = getattr(error, "code", None) or type(error).__name__
    errmsg = getattr(error, "errmsg", None)
    return f"{code}: {errmsg}"[:200] if errmsg else str(code)[:200]
