"""The daily deadline job: running cases near their deadline are flagged 即将到期, past it 已超期, and a
paused (incomplete) case is not; each reviewer with a WeChat user gets one message a day with the counts
of the communities they serve, a 公示 ended with every objection answered counted as 公示期满待报街道."""

from datetime import date

import sqlalchemy as sa

from cloudplatform.clock import local, now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
)
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.notify.models import Notification
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import (
    DUE_SOON,
    INCOMPLETE,
    OVERDUE,
    PUBLICITY,
    REVIEW,
    SUBMITTED,
    AidApplication,
)
from cloudplatform.service.aid.tasks import check_deadlines
from cloudplatform.service.workdays.operations import clear_day, set_day
from tests.factories import StaffAccountFactory
from tests.helpers import count_queries
from tests.service.aid.fixtures import categories, resident_at
from tests.service.aid.stages import case_at

DAY = 86400


def move_to(clock, day: date) -> None:
    """The standing clock at 08:00 on ``day`` (when the job runs)."""
    clock.shift((day - local(now()).date()).days * DAY)


def flags(*cases) -> list[str | None]:
    _db.session.expire_all()
    return [_db.session.get(AidApplication, case.id).flag for case in cases]


def deadline_messages() -> dict[int, dict[str, str]]:
    """The deadline messages by the recipient's user id: keyword -> value."""
    messages = _db.session.scalars(sa.select(Notification).where(Notification.template_key == "aid_deadline"))
    return {m.user_id: {k: v["value"] for k, v in m.data.items()} for m in messages}


def test_running_cases_are_flagged_and_staff_told_their_counts(app, world, clock):
    found = categories()
    medical, temporary = found["medical"], found["temporary"]
    temporary.deadline_working_days = 60  # these cases stay far from their deadline
    _db.session.commit()
    overdue_here = case_at(world, SUBMITTED, medical)  # due Monday 12-28
    paused = case_at(world, INCOMPLETE, medical)
    overdue_next_door = case_at(world, REVIEW, medical, community=world.neighbour)
    ready_elsewhere = case_at(world, PUBLICITY, temporary, community=world.elsewhere)
    objected = case_at(world, PUBLICITY, temporary)
    aid.object_to(resident_at(world, "邻居甲", "9-9"), objected, "申请人有车")
    answered = aid.object_to(resident_at(world, "邻居乙", "9-8", world.elsewhere), ready_elsewhere, "有存款")
    _db.session.commit()
    aid.answer_objection(world.staff[CITY_ADMIN], ready_elsewhere, answered.id, "经核查存款不足一万元")
    _db.session.commit()
    move_to(clock, date(2026, 12, 14))
    soon_here = case_at(world, SUBMITTED, medical)  # due Monday 2027-01-04
    assert (overdue_here.due_on, soon_here.due_on) == (date(2026, 12, 28), date(2027, 1, 4))
    unlinked = StaffAccountFactory(role=GRID_WORKER, community_id=world.home.id)  # no WeChat user
    _db.session.commit()

    move_to(clock, date(2026, 12, 28))  # the deadline day: due soon, not yet over
    assert check_deadlines()["due_soon"] == 2
    assert flags(overdue_here, overdue_next_door, soon_here, paused) == [DUE_SOON, DUE_SOON, None, None]
    _db.session.execute(sa.delete(Notification))
    _db.session.commit()

    move_to(clock, date(2026, 12, 30))  # Wednesday: 2027-01-04 is the third working day from here
    result = check_deadlines()
    _db.session.commit()
    assert result == {"overdue": 2, "due_soon": 1, "cleared": 0, "messages": 5}
    assert flags(overdue_here, overdue_next_door, soon_here, paused, ready_elsewhere, objected) == [
        OVERDUE,
        OVERDUE,
        DUE_SOON,
        None,  # the clock stands while materials are incomplete
        None,
        None,
    ]
    told = deadline_messages()
    home_staff = {"thing1": "困难救助待办案件", "number2": "2", "thing3": "超期1，临期1"}
    for role in (GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN):
        assert told[world.staff[role].user_id] == home_staff
    assert told[world.staff[STREET_ADMIN].user_id]["number2"] == "3"  # and the neighbour community's
    assert told[world.staff[STREET_ADMIN].user_id]["thing3"] == "超期2，临期1"
    city = told[world.staff[CITY_ADMIN].user_id]
    assert city["number2"] == "4"
    assert city["thing3"] == "超期2，临期1，公示期满待报街道1"
    assert unlinked.user_id is None and len(told) == 5

    assert check_deadlines()["messages"] == 0  # run again the same day: nobody is told twice
    assert _db.session.get(AidApplication, ready_elsewhere.id).status == PUBLICITY  # staff forward it

    aid.request_materials(world.staff[GRID_WORKER], soon_here, ["诊断证明"])  # the clock pauses
    aid.reject(world.staff[GRID_WORKER], overdue_here, "不符合条件")
    _db.session.execute(sa.delete(Notification))
    _db.session.commit()
    move_to(clock, date(2026, 12, 31))
    assert check_deadlines() == {"overdue": 0, "due_soon": 0, "cleared": 0, "messages": 2}
    assert flags(overdue_here, soon_here) == [None, None]
    told = deadline_messages()  # nothing left in the home community
    assert set(told) == {world.staff[STREET_ADMIN].user_id, world.staff[CITY_ADMIN].user_id}
    assert told[world.staff[STREET_ADMIN].user_id]["thing3"] == "超期1"


def test_a_holiday_brings_the_deadline_nearer_and_its_removal_clears_the_flag(app, world, clock):
    medical = categories()["medical"]
    clock.shift(2 * DAY)  # Wednesday 12-09
    case = case_at(world, REVIEW, medical)
    assert case.due_on == date(2026, 12, 30)
    move_to(clock, date(2026, 12, 23))  # three working days ahead reach Monday 12-28 only
    assert check_deadlines()["due_soon"] == 0
    assert flags(case) == [None]

    admin = world.staff[CITY_ADMIN]
    set_day(admin, date(2026, 12, 24), False, "调休")
    set_day(admin, date(2026, 12, 25), False, "调休")
    _db.session.commit()
    assert check_deadlines()["due_soon"] == 1  # Thursday and Friday off: 12-28, 12-29, 12-30
    assert flags(case) == [DUE_SOON]

    clear_day(admin, date(2026, 12, 24))
    clear_day(admin, date(2026, 12, 25))
    _db.session.commit()
    assert check_deadlines()["cleared"] == 1
    assert flags(case) == [None]


def test_the_job_takes_the_same_statements_for_many_cases(app, world, clock):
    medical = categories()["medical"]

    def statements_for_a_run() -> int:
        _db.session.execute(sa.delete(Notification))
        _db.session.execute(sa.update(AidApplication).values(flag=None))
        _db.session.commit()
        with count_queries(app) as statements:
            check_deadlines()
        _db.session.rollback()
        return len(statements)

    for community in (world.home, world.neighbour, world.elsewhere):
        case_at(world, SUBMITTED, medical, community=community)
    move_to(clock, date(2026, 12, 29))
    few = statements_for_a_run()
    for community in (world.home, world.neighbour, world.elsewhere) * 3:
        case_at(world, REVIEW, medical, community=community)
    many = statements_for_a_run()
    assert few == many <= 12


def test_the_job_is_declared_daily_at_eight_beijing_time(app, world, clock):
    job = next(job for job in JOBS if job.id == "aid_deadlines")
    assert job.trigger == {"trigger": "cron", "hour": 8, "minute": 0, "timezone": "Asia/Shanghai"}
    case = case_at(world, SUBMITTED, categories()["medical"])
    move_to(clock, date(2026, 12, 29))
    assert run_job(app, job)["overdue"] == 1  # the runner commits
    _db.session.remove()
    assert _db.session.get(AidApplication, case.id).flag == OVERDUE
