"""Demands go through the 五单 operations: all five steps and a rating; another through a decline,
dispatch afresh, a send-back and a reopen. The resident is told of each staff step."""

from datetime import date

import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN
from cloudplatform.notify.models import Notification
from cloudplatform.service.demands import operations as five
from cloudplatform.service.demands.models import RATED, SUBMITTED, Demand
from tests.service.demands.fixtures import make_organisation, org_worker, resident_of

DISPATCH = {
    "deadline": date(2026, 12, 20),
    "funding_source": "社区党组织服务群众经费",
    "responsible_member": "李建国",
}


def order(world, user):
    return five.submit_demand(
        user,
        community_id=world.home.id,
        category="elderly",
        title="楼道扶手松动",
        description="3号楼2单元楼道扶手松动，老人上下楼不安全",
        location="火炬路3号楼2单元",
    )


def test_a_demand_goes_through_the_five_steps_and_is_rated(world):
    resident = resident_of(world.home, "周阿姨")
    org = make_organisation(world.home)
    worker = org_worker(org, "org-worker")
    staff, supervisor, street = (world.staff[r] for r in (COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN))

    demand = order(world, resident)
    five.dispatch(staff, demand, organisation_id=org.id, **DISPATCH)
    five.accept(worker, demand)
    five.supervise(supervisor, demand, "请于本周内完成")
    five.report_done(worker, demand, "已更换扶手")
    five.verify(street, demand)
    five.rate(resident, demand, 5, "很及时")
    _db.session.commit()

    assert _db.session.get(Demand, demand.id).status == RATED
    told = _db.session.scalars(sa.select(Notification).where(Notification.user_id == resident.id)).all()
    assert [m.data["phrase2"]["value"] for m in told] == ["待接单", "办理中", "待验单", "待评价"]


def test_a_declined_demand_is_dispatched_afresh_sent_back_and_reopened(world):
    resident = resident_of(world.home, "周阿姨")
    first, second = make_organisation(world.home), make_organisation(world.home, "火炬路志愿服务队")
    worker, other = org_worker(first, "w1"), org_worker(second, "w2")
    staff, street = world.staff[COMMUNITY_STAFF], world.staff[STREET_ADMIN]

    demand = order(world, resident)
    five.dispatch(staff, demand, organisation_id=first.id, **DISPATCH)
    five.decline(worker, demand, "本月人手不足")
    assert demand.status == SUBMITTED and demand.organisation_id is None
    five.dispatch(staff, demand, organisation_id=second.id, **DISPATCH)
    five.accept(other, demand)
    five.report_done(other, demand, "已维修")
    five.send_back(street, demand, "扶手仍有晃动")
    five.report_done(other, demand, "已加固")
    five.verify(street, demand)
    five.reopen(resident, demand, "雨天仍然松动")
    _db.session.commit()
    assert _db.session.get(Demand, demand.id).status == SUBMITTED
