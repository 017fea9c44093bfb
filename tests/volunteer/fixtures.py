"""志愿云 test helpers: volunteers, projects, shifts and sign-ups made without going through the
operations (each area's tests drive its own operations), at the standing clock's start."""

from datetime import datetime, timedelta

from cloudplatform.clock import LOCAL_TZ, now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import RESIDENT, VOLUNTEER, Membership
from cloudplatform.volunteer.models import (
    SIGNED_UP,
    TERMS_VERSION,
    PointRule,
    Shift,
    ShiftSignup,
    Volunteer,
    VolunteerProject,
)
from tests.world import wechat_user

START = datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)  # a Monday, Beijing time


def resident(community, name: str, phone: str | None = "13800001234"):
    """A verified resident of ``community`` with a bound phone; log in with ``log_in(client, name)``."""
    user = wechat_user(name, phone=phone)
    _db.session.add(Membership(user_id=user.id, community_id=community.id, role=RESIDENT))
    _db.session.commit()
    return user


def volunteer(community, name: str, skills=()) -> Volunteer:
    """A registered volunteer of ``community`` (with the volunteer role), as registration leaves one."""
    user = resident(community, name)
    made = Volunteer(
        user_id=user.id,
        community_id=community.id,
        real_name=name,
        phone=user.phone,
        skills=list(skills),
        terms_version=TERMS_VERSION,
        consented_at=now(),
    )
    _db.session.add_all([made, Membership(user_id=user.id, community_id=community.id, role=VOLUNTEER)])
    _db.session.commit()
    return made


def project(community, name="四点半课堂", category="youth") -> VolunteerProject:
    made = VolunteerProject(community_id=community.id, category=category, name=name)
    _db.session.add(made)
    _db.session.commit()
    return made


def shift(of: VolunteerProject, starts_in=timedelta(days=2), hours=2, capacity=5, skills=()) -> Shift:
    """A published shift of the project starting ``starts_in`` from now, ``hours`` long."""
    starts = now() + starts_in
    made = Shift(
        project_id=of.id,
        community_id=of.community_id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        place="社区党群服务中心",
        capacity=capacity,
        skills=list(skills),
    )
    _db.session.add(made)
    _db.session.commit()
    return made


def signup(on: Shift, who: Volunteer, status=SIGNED_UP, **fields) -> ShiftSignup:
    """A sign-up in ``status`` (a place held counts in ``taken``), with any attendance ``fields``."""
    made = ShiftSignup(
        shift_id=on.id,
        community_id=on.community_id,
        volunteer_id=who.id,
        user_id=who.user_id,
        status=status,
        starts_at=on.starts_at,
        ends_at=on.ends_at,
        **fields,
    )
    if status in ("signed_up", "offered"):
        on.taken += 1
    _db.session.add(made)
    _db.session.commit()
    return made


def rule(community, points_per_hour=10, multipliers=None, daily_cap=None, effective_from=None) -> PointRule:
    made = PointRule(
        community_id=community.id,
        points_per_hour=points_per_hour,
        multipliers=multipliers or {},
        daily_cap=daily_cap,
        effective_from=effective_from or (now() - timedelta(days=365)).date(),
    )
    _db.session.add(made)
    _db.session.commit()
    return made
