"""党建云 test helpers: units and members made without going through the API, and the standing clock's
start (Monday 2026-12-07 08:00 in Asia/Shanghai)."""

from datetime import datetime, timedelta

from cloudplatform.clock import LOCAL_TZ, now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import PARTY_MEMBER, RESIDENT, Membership
from cloudplatform.party.models import APPROVED, PartyReport, PartyUnit, PartyUnitCommunity
from tests.world import wechat_user

START = datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)


def make_unit(community, name="宝鸡市税务局高新分局", *also) -> PartyUnit:
    """A unit kept by ``community`` and open to it (and to the communities in ``also``)."""
    unit = PartyUnit(community_id=community.id, name=name, branch=f"{name}机关党支部", contact_name="王主任")
    _db.session.add(unit)
    _db.session.flush()
    for c in (community, *also):
        _db.session.add(PartyUnitCommunity(unit_id=unit.id, community_id=c.id))
    _db.session.commit()
    return unit


def resident(community, name: str):
    """A verified resident of ``community``; log in as them with ``tests.world.log_in(client, name)``."""
    user = wechat_user(name)
    _db.session.add(Membership(user_id=user.id, community_id=community.id, role=RESIDENT))
    _db.session.commit()
    return user


def party_member(community, name: str, unit: PartyUnit):
    """A resident of ``community`` whose report (as a member of ``unit``) was approved a while ago."""
    user = resident(community, name)
    _db.session.add(Membership(user_id=user.id, community_id=community.id, role=PARTY_MEMBER))
    _db.session.add(
        PartyReport(
            user_id=user.id,
            community_id=community.id,
            unit_id=unit.id,
            status=APPROVED,
            real_name=name,
            decided_at=now() - timedelta(days=30),
            confirmed_until=now() + timedelta(days=335),
        )
    )
    _db.session.commit()
    return user
