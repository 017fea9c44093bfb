"""The one outbox for messages to users (WeChat subscribe messages), delivered by a job."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from cloudplatform.clock import now
from cloudplatform.errors import Unprocessable
from cloudplatform.extensions import db
from cloudplatform.identity.models import User
from cloudplatform.notify.models import (
    FAILED,
    PENDING,
    SENDING,
    SENT,
    SKIPPED,
    Notification,
    SubscriptionConsent,
)
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


def lease(gateway_timeout: float) -> timedelta:
    """How long a claimed message is left to its send before another run takes it for abandoned: far
    longer than one send can last (a token fetch, a retry after -1 and one after 40001, each at most
    ``WECHAT_TIMEOUT``), so only a run that died lets it lapse."""
    return timedelta(seconds=10 * gateway_timeout)


def deliver_outbox(limit: int = BATCH) -> dict[str, int]:
    """Send due messages, one consent each: no consent → skipped; WeChat refusing a message for good
    (a bad value, template, page or openid) → failed at once with its errcode; WeChat busy,
    rate-limited or unreachable → retried with backoff, failed after MAX_ATTEMPTS.

    Crash-safe, each message sent exactly once: a message is claimed (its consent spent, status
    ``sending``) and committed before it goes to WeChat, and its outcome is committed after, so a run
    killed at any point leaves at most the one message in flight uncertain. That one, and one whose
    answer never came (a timeout, a dropped connection: WeChat may have delivered it), is sent again
    later without spending another consent, after the other due messages, when its user's remaining
    consents for the template were used by those; WeChat delivers it if the first send did not arrive,
    or answers 43101 if it did (the consent it carried is used): either way it is SENT, once. (Only a
    user holding more consents for the template than they have messages due could get such a message
    twice: WeChat offers no way to ask whether a send arrived.) The returned counts put a message left
    ``sending`` under "pending".
    """
    counts = {SENT: 0, SKIPPED: skip_unconsented(), PENDING: 0, FAILED: 0}
    db.session.commit()
    gateway = get_gateway()
    template_ids = current_app.config["WECHAT_TEMPLATES"]
    hold = lease(float(current_app.config.get("WECHAT_TIMEOUT") or 5.0))
    for message_id in due_ids(limit):
        message = claim(message_id)
        if message is None:  # another run took it meanwhile
            continue
        status = deliver(message, gateway, template_ids, hold)
        db.session.commit()
        counts[PENDING if status == SENDING else status] += 1
    return counts


def due(stmt: sa.Select) -> sa.Select:
    return stmt.where(Notification.status.in_([PENDING, SENDING]), Notification.next_attempt_at <= now())


def due_ids(limit: int) -> list[int]:
    """The due messages, oldest first; those whose send may have arrived last (see deliver_outbox)."""
    stmt = due(sa.select(Notification.id)).order_by(Notification.status == SENDING, Notification.id)
    ids = list(db.session.scalars(stmt.limit(limit)))
    db.session.commit()
    return ids


def claim(message_id: int) -> Notification | None:
    """The message, locked, if it is still due (no other run claimed it since)."""
    stmt = due(sa.select(Notification).where(Notification.id == message_id))
    return db.session.scalar(stmt.with_for_update(skip_locked=True))


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


def deliver(message: Notification, gateway: Gateway, template_ids: dict[str, str], hold: timedelta) -> str:
    """Send one due, locked message and record the outcome on it; returns its status. Commits the claim
    (the consent spent, status ``sending`` for ``hold``) before the send; the caller commits the
    outcome."""
    in_doubt = message.status == SENDING  # an earlier send of it may have arrived: its consent is spent
    if not in_doubt and not spend_consent(message.user_id, message.template_key):
        message.status = SKIPPED
        return SKIPPED
    message.status, message.next_attempt_at = SENDING, now() + hold
    openid, data, page = message.user.openid, message.data, message.page
    template_id = template_ids[message.template_key]
    db.session.commit()  # claimed: from here a crash leaves it ``sending``, its consent spent
    try:
        gateway.send_subscribe(openid, template_id, data, page)
    except WeChatNoConsent as error:
        if in_doubt:  # the earlier send arrived and used the consent: delivered once
            message.status, message.sent_at = SENT, now()
        else:  # WeChat knows no consent: ours was stale, and is spent
            message.status, message.errcode = SKIPPED, error.errcode
        return message.status
    except Exception as error:
        record_failure(message, error, in_doubt)
        return message.status
    message.status, message.sent_at = SENT, now()
    return SENT


def record_failure(message: Notification, error: Exception, in_doubt: bool) -> None:
    """A send that did not go through, or may have: an answer from WeChat (an errcode) says it was not
    delivered, and the consent is given back; no answer (a timeout, a dropped connection, HTTP 5xx)
    leaves it ``sending``, the consent kept, until a later send settles it."""
    errcode = getattr(error, "errcode", None)
    arrived_maybe = in_doubt or (errcode is None and not getattr(error, "permanent", False))
    if not arrived_maybe:
        spend_consent(message.user_id, message.template_key, delta=1)  # not delivered: still unused
    message.attempts += 1
    message.errcode = errcode
    message.last_error = describe(error)
    if getattr(error, "permanent", False) or message.attempts >= MAX_ATTEMPTS:
        message.status = FAILED
    else:
        message.status = SENDING if arrived_maybe else PENDING
        message.next_attempt_at = now() + backoff(message.attempts)
    log.warning("notification %s not delivered (%s)", message.id, message.last_error)


def describe(error: Exception) -> str:
    """The error's stable code and, from WeChat, what it said (which field it refused)."""
    code = getattr(error, "code", None) or type(error).__name__
    errmsg = getattr(error, "errmsg", None)
    return f"{code}: {errmsg}"[:200] if errmsg else str(code)[:200]
