"""Notices and community members made directly in the database, committed (as tests/factories.py does)."""

import itertools
from datetime import timedelta

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.identity.models import RESIDENT, Membership, User
from cloudplatform.service.notices.models import ALL, Notice, NoticeTarget
from tests.world import wechat_user

_numbers = itertools.count(1)
URL = "/api/v1/services/notices"


def make_notice(community, *, grid_ids=(), building_ids=(), **fields) -> Notice:
    """A notice of ``community`` for everyone, out since an hour ago, unless ``fields`` say otherwise."""
    n = next(_numbers)
    values = {
        "title": f"测试通知{n}",
        "body": "请各位居民相互转告。",
        "audience": ALL,
        "publish_at": now() - timedelta(hours=1),
        "attachments": [],
        **fields,
    }
    notice = Notice(community_id=community.id, **values)
    db.session.add(notice)
    db.session.flush()
    db.session.add_all([NoticeTarget(notice_id=notice.id, grid_id=i) for i in grid_ids])
    db.session.add_all([NoticeTarget(notice_id=notice.id, building_id=i) for i in building_ids])
    db.session.commit()
    return notice


def person(name: str, community, *roles: str, building_id: int | None = None, room: str = "1单元101") -> User:
    """A WeChat user (login code ``dev:<name>``) holding ``roles`` in ``community``; residents live in
    ``building_id``."""
    return join(wechat_user(name), community, *roles, building_id=building_id, room=room)


def join(user: User, community, *roles: str, building_id: int | None = None, room: str = "1单元101") -> User:
    """Give an existing user ``roles`` in ``community``."""
    for role in roles:
        resident = role == RESIDENT
        db.session.add(
            Membership(
                user_id=user.id,
                community_id=community.id,
                role=role,
                building_id=building_id if resident else None,
                room=room if resident else None,
            )
        )
    db.session.commit()
    return user
