"""A notice scheduled for later, marked for push, is pushed by the job when its time comes, once."""

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from cloudplatform.clock import now
from cloudplatform.identity.models import COMMUNITY_STAFF
from cloudplatform.jobs import JOBS, run_job
from cloudplatform.notify.models import Notification
from cloudplatform.service.notices.operations import publish_notice, withdraw_notice
from tests.admin.console import member

PUSH = next(job for job in JOBS if job.id == "push_due_notices")


def queued(db) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Notification))


def schedule(world, db, hours=2):
    notice = publish_notice(
        world.staff[COMMUNITY_STAFF],
        world.home.id,
        "停电通知",
        "明日检修停电",
        "all",
        publish_at=now() + timedelta(hours=hours),
        push=True,
    )
    db.session.commit()
    return notice


def test_scheduled_notice_is_pushed_when_its_time_comes(app, world, db):
    member(world.home)
    member(world.home)
    schedule(world, db)
    assert run_job(app, PUSH) == 0
    assert queued(db) == 0
    with time_machine.travel(now() + timedelta(hours=3), tick=False):
        assert run_job(app, PUSH) == 1
        assert run_job(app, PUSH) == 0
    assert queued(db) == 2


def test_withdrawn_scheduled_notice_is_never_pushed(app, world, db):
    member(world.home)
    notice = schedule(world, db)
    withdraw_notice(world.staff[COMMUNITY_STAFF], notice)
    db.session.commit()
    with time_machine.travel(now() + timedelta(hours=3), tick=False):
        assert run_job(app, PUSH) == 0
    assert queued(db) == 0
