"""The daily overdue job (08:00 Beijing time): a demand the organisation has to do (dispatched or
accepted) is marked overdue the day after its deadline, and the mark is cleared once it is reported done,
declined or given a later deadline; two statements however many demands."""

from datetime import date

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.service.demands import operations as five
from cloudplatform.service.demands.models import Demand
from cloudplatform.service.demands.tasks import mark_overdue
from tests.helpers import count_queries
from tests.service.demands.fixtures import make_organisation, org_worker, resident_of

DAY = 86400
FACTS = {"funding_source": "社区党组织服务群众经费", "responsible_member": "李建国"}


def move_to(clock, day: date) -> None:
    """The standing clock at 08:00 on ``day`` (when the job runs)."""
    clock.shift((day - local(now()).date()).days * DAY)


def ordered(world, resident, title="楼道扶手松动"):
    return five.submit_demand(
        resident, community_id=world.home.id, category="elderly", title=title, description="老人上下楼不安全"
    )


def overdue(*demands) -> list[bool]:
    _db.session.expire_all()
    return [_db.session.get(Demand, d.id).overdue for d in demands]


def test_work_past_its_deadline_is_marked_and_cleared_when_done(world, clock):
    resident = resident_of(world.home, "周阿姨")
    organisation = make_organisation(world.home)
    worker, staff = org_worker(organisation, "worker"), world.staff[COMMUNITY_STAFF]
    dispatched, accepted, done, waiting = (ordered(world, resident, f"诉求{n}") for n in range(4))
    for demand in (dispatched, accepted, done):
        five.dispatch(staff, demand, organisation_id=organisation.id, deadline=date(2026, 12, 10), **FACTS)
    five.accept(worker, accepted)
    five.accept(worker, done)
    five.report_done(worker, done, "已完成")
    _db.session.commit()

    move_to(clock, date(2026, 12, 10))  # the deadline day itself: still in time
    assert mark_overdue() == {"overdue": 0, "cleared": 0}
    assert overdue(dispatched, accepted, done, waiting) == [False] * 4

    move_to(clock, date(2026, 12, 11))
    assert mark_overdue() == {"overdue": 2, "cleared": 0}
    assert overdue(dispatched, accepted, done, waiting) == [True, True, False, False]
    assert mark_overdue() == {"overdue": 0, "cleared": 0}  # nothing changes twice

    five.report_done(worker, _db.session.get(Demand, accepted.id), "已完成")
    five.decline(worker, _db.session.get(Demand, dispatched.id), "人手不足")  # clears it at once
    assert overdue(dispatched) == [False]
    assert mark_overdue() == {"overdue": 0, "cleared": 1}
    assert overdue(dispatched, accepted, done, waiting) == [False] * 4


def test_a_later_deadline_clears_the_mark(world, clock):
    resident = resident_of(world.home, "周阿姨")
    organisation = make_organisation(world.home)
    worker, staff = org_worker(organisation, "worker"), world.staff[COMMUNITY_STAFF]
    demand = ordered(world, resident)
    five.dispatch(staff, demand, organisation_id=organisation.id, deadline=date(2026, 12, 8), **FACTS)
    five.accept(worker, demand)
    move_to(clock, date(2026, 12, 9))
    mark_overdue()
    assert overdue(demand) == [True]
    # the community agrees a later deadline with the organisation
    _db.session.execute(sa.update(Demand).where(Demand.id == demand.id).values(deadline=date(2026, 12, 20)))
    assert mark_overdue() == {"overdue": 0, "cleared": 1}
    assert overdue(demand) == [False]


def test_the_job_runs_at_eight_beijing_time_in_two_statements(app, world, clock):
    job = next(j for j in JOBS if j.id == "demand_overdue")
    assert job.trigger == {"trigger": "cron", "hour": 8, "minute": 0, "timezone": "Asia/Shanghai"}
    organisation = make_organisation(world.home)
    staff = world.staff[COMMUNITY_STAFF]

    def statements_with(count: int) -> int:
        for n in range(count):
            demand = ordered(world, resident_of(world.home, f"居民{count}-{n}"))
            five.dispatch(staff, demand, organisation_id=organisation.id, deadline=date(2026, 12, 7), **FACTS)
        _db.session.commit()
        with count_queries(app) as statements:
            mark_overdue()
        _db.session.rollback()
        return len(statements)

    assert statements_with(1) == statements_with(6) == 2

    move_to(clock, date(2026, 12, 8))
    assert run_job(app, job) == {"overdue": 7, "cleared": 0}  # the runner commits
    _db.session.remove()
    assert _db.session.scalar(sa.select(sa.func.count(Demand.id)).where(Demand.overdue.is_(True))) == 7
