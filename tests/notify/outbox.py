"""Playing both sides of WeChat's one-time subscription for outbox tests: the user's consent as WeChat
keeps it (the stand-in) and as the backend records it, messages told apart by their first keyword, and
what each side holds afterwards."""

from collections import Counter

import requests
import sqlalchemy as sa
from flask import current_app

from cloudplatform.extensions import db
from cloudplatform.notify.models import Notification, SubscriptionConsent
from cloudplatform.notify.operations import notify, record_consents

KEY = "residency_result"
SEND_PATH = "cgi-bin/message/subscribe/send"


def subscribe(standin: str, user, count: int = 1) -> None:
    """The user taps 允许 ``count`` times: WeChat (the stand-in) and the backend each note the consents."""
    template_id = current_app.config["WECHAT_TEMPLATES"][KEY]
    requests.post(
        standin + "_standin/consents",
        json={"touser": user.openid, "template_id": template_id, "count": count},
        timeout=5,
    ).raise_for_status()
    for _ in range(count):
        record_consents(user, [KEY])
    db.session.commit()


def queue(user, label: str) -> Notification:
    """A message to ``user`` told apart from the others by ``label`` (its first keyword)."""
    message = notify(
        user, KEY, {"thing1": label, "phrase2": "已通过", "thing3": "欢迎"}, page="pages/me/residency"
    )
    db.session.commit()
    return message


def failing(standin: str, errcode, times: int = 1, **options) -> None:
    """Script the stand-in's subscribe-message answers (``after``, ``stall``: see its docstring)."""
    requests.post(
        standin + "_standin/failures",
        json={"path": SEND_PATH, "errcode": errcode, "times": times, **options},
        timeout=5,
    ).raise_for_status()


def delivered(standin: str) -> Counter:
    """How many times WeChat (the stand-in) delivered each (openid, label)."""
    items = requests.get(standin + "_standin/messages", timeout=5).json()["items"]
    return Counter((m["touser"], m["data"]["thing1"]["value"]) for m in items)


def wechat_consents_left(standin: str) -> dict[str, int]:
    items = requests.get(standin + "_standin/consents", timeout=5).json()["items"]
    return {item["touser"]: item["remaining"] for item in items}


def our_consents_left() -> dict[int, int]:
    db.session.commit()
    rows = db.session.execute(sa.select(SubscriptionConsent.user_id, SubscriptionConsent.remaining))
    return dict(rows.tuples().all())


def outbox() -> dict[str, tuple[str, int]]:
    """Each message's (status, attempts), by label."""
    db.session.commit()
    return {
        m.data["thing1"]["value"]: (m.status, m.attempts) for m in db.session.scalars(sa.select(Notification))
    }
