"""群众点单 test helpers: organisations serving communities, their workers, verified residents, and the
standing clock's start (Monday 2026-12-07 08:00, Asia/Shanghai)."""

from datetime import datetime

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import ORG_STAFF, RESIDENT, Membership
from cloudplatform.service.demands.models import Organisation, OrganisationCommunity, OrganisationStaff
from tests.factories import StaffAccountFactory
from tests.world import wechat_user

START = datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)


def make_organisation(community, name: str = "火炬路为老服务中心", *also) -> Organisation:
    """An active social organisation kept by ``community`` and serving it (and the ``also`` ones)."""
    organisation = Organisation(
        community_id=community.id, name=name, registration_no="宝高民社备2021-015", service_areas=["elderly"]
    )
    _db.session.add(organisation)
    _db.session.flush()
    for c in (community, *also):
        _db.session.add(OrganisationCommunity(organisation_id=organisation.id, community_id=c.id))
    _db.session.commit()
    return organisation


def org_worker(organisation: Organisation, username: str):
    """A staff account (role org_staff) working for ``organisation``, able to log in to the console and,
    through its linked WeChat user ``username``, to the staff API."""
    user = wechat_user(username)
    staff = StaffAccountFactory(role=ORG_STAFF, username=username, user_id=user.id)
    _db.session.add(OrganisationStaff(organisation_id=organisation.id, staff_id=staff.id))
    _db.session.commit()
    return staff


def resident_of(community, name: str):
    user = wechat_user(name)
    _db.session.add(Membership(user_id=user.id, community_id=community.id, role=RESIDENT))
    _db.session.commit()
    return user
