"""Activities for the tests: made by the staff of the world's home community (the city admin's elsewhere),
on Tuesday 2026-12-08 09:00-11:00 Beijing time by default (the clock stands on Monday 08:00)."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_STAFF
from cloudplatform.notify.models import Notification
from cloudplatform.party.activities.operations import create_activity
from cloudplatform.party.models import SIGNED_UP, Activity, ActivitySignup
from tests.party.fixtures import START, party_member
from tests.world import log_in

TUESDAY_9 = datetime(2026, 12, 8, 9, 0, tzinfo=LOCAL_TZ)
ACTIVITIES = "/api/v1/party/activities"


def make_activity(world, community=None, **fields) -> Activity:
    community = community or world.home
    staff = world.staff[COMMUNITY_STAFF] if community.id == world.home.id else world.staff[CITY_ADMIN]
    starts_at = fields.pop("starts_at", TUESDAY_9)
    values = {
        "title": "十二月主题党日",
        "venue": "党群服务中心",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "capacity": 2,
    } | fields
    activity = create_activity(staff, community.id, **values)
    _db.session.commit()
    return activity


def member(client, community, name, unit):
    """A party member of ``community`` (of ``unit``), logged in: (user, Authorization header)."""
    user = party_member(community, name, unit)
    return user, log_in(client, name)


def sign_up(client, activity, headers):
    return client.post(f"{ACTIVITIES}/{activity.id}/signups", headers=headers)


def at(clock, **delta):
    """Move the standing clock to ``delta`` after Monday 08:00."""
    clock.move_to(START + timedelta(**delta))


def places(activity_id) -> tuple[int, int]:
    """(the activity's counter, the sign-ups holding a place): always equal."""
    _db.session.commit()
    counter = _db.session.scalar(select(Activity.signed_up).where(Activity.id == activity_id))
    held = _db.session.scalar(
        select(func.count()).where(
            ActivitySignup.activity_id == activity_id, ActivitySignup.status == SIGNED_UP
        )
    )
    return counter, held


def messages(user, template="party_activity") -> list[Notification]:
    _db.session.commit()
    return list(
        _db.session.scalars(
            select(Notification).where(Notification.user_id == user.id, Notification.template_key == template)
        )
    )
