"""Scheduled jobs: one declared list, run by exactly one scheduler per deployment.

Production runs ``flask jobs run`` as its own process; it holds a leader lock (a PostgreSQL advisory
lock on a dedicated connection, or a file lock on the embedded default) so that a second copy waits
as a standby. The embedded default runs the same scheduler inside ``flask serve``.

Each run records when it finished (``JobRun``) in its own transaction: a leader that starts within
``CATCH_UP`` of a cron job's due time, with no run of it finished since (the previous leader was killed
mid-run, or was down then), runs that job at once instead of waiting a day or a month. Interval jobs
come round within their interval anyway. Every job is safe to run again (one transaction, or batches a
rerun does not repeat; the outbox sends each message once): tests/test_scheduler_faults.py.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import click
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from cloudplatform.clock import now
from cloudplatform.extensions import db
from cloudplatform.idempotency import prune_expired_keys
from cloudplatform.jobs.models import JobRun
from cloudplatform.locker import tasks as locker
from cloudplatform.notify.operations import deliver_outbox
from cloudplatform.orm import insert_for
from cloudplatform.party.hours import tasks as party_hours
from cloudplatform.party.members import tasks as party_members
from cloudplatform.service.aid import tasks as aid
from cloudplatform.service.bookings import tasks as bookings
from cloudplatform.service.demands import tasks as demands
from cloudplatform.service.notices import tasks as notices
from cloudplatform.volunteer.points import tasks as points
from cloudplatform.volunteer.rewards import tasks as rewards
from cloudplatform.volunteer.shifts import tasks as shifts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], Any]
    trigger: dict[str, Any] = field(default_factory=dict)
    description: str = ""


JOBS: list[Job] = [
    Job(
        "prune_idempotency_keys",
        prune_expired_keys,
        {"trigger": "interval", "minutes": 30},
        "删除过期的幂等键",
    ),
    Job("deliver_outbox", deliver_outbox, {"trigger": "interval", "seconds": 30}, "发送订阅消息"),
    Job("generate_slots", bookings.generate_all_slots, {"trigger": "interval", "hours": 1}, "生成预约时段"),
    Job(
        "send_booking_reminders",
        bookings.send_reminders,
        {"trigger": "interval", "minutes": 15},
        "预约前一天提醒",
    ),
    Job(
        "mark_no_shows", bookings.mark_no_shows, {"trigger": "interval", "minutes": 10}, "记录爽约并暂停预约"
    ),
    Job(
        "push_due_notices",
        notices.push_scheduled_notices,
        {"trigger": "interval", "minutes": 1},
        "推送定时通知",
    ),
    Job(
        "build_party_unit_reports",
        party_hours.build_last_month_reports,
        {"trigger": "cron", "day": 1, "hour": 6, "minute": 0, "timezone": "Asia/Shanghai"},
        "生成上月党员服务单位月报并通知单位联系人",
    ),
    Job(
        "reconfirm_party_reports",
        party_members.reconfirm_reports,
        {"trigger": "cron", "hour": 9, "minute": 0, "timezone": "Asia/Shanghai"},
        "提醒党员年度确认，注销逾期未确认的报到",
    ),
    Job(
        "locker_reminders", locker.send_reminders, {"trigger": "interval", "minutes": 15}, "云柜存件取件提醒"
    ),
    Job("locker_expiry", locker.expire_deposits, {"trigger": "interval", "minutes": 5}, "云柜存件过期转回收"),
    Job(
        "locker_prune_nonces",
        locker.prune_nonces,
        {"trigger": "interval", "minutes": 10},
        "删除过期的设备随机数",
    ),
    Job(
        "locker_stuck_openings",
        locker.return_stuck_openings,
        {"trigger": "interval", "minutes": 1},
        "未开门的取件恢复待取件",
    ),
    Job(
        "locker_lapse_dropoffs",
        locker.lapse_dropoffs,
        {"trigger": "interval", "minutes": 1},
        "释放超时未投递的预留格口",
    ),
    Job(
        "aid_deadlines",
        aid.check_deadlines,
        {"trigger": "cron", "hour": 8, "minute": 0, "timezone": "Asia/Shanghai"},
        "标记即将到期和超期的救助申请并提醒工作人员",
    ),
    Job(
        "demand_overdue",
        demands.mark_overdue,
        {"trigger": "cron", "hour": 8, "minute": 0, "timezone": "Asia/Shanghai"},
        "标记超过办理期限的群众点单",
    ),
    Job("lapse_offers", shifts.lapse_offers, {"trigger": "interval", "minutes": 5}, "志愿班次递补超时处理"),
    Job(
        "remind_shifts",
        shifts.remind_shifts,
        {"trigger": "cron", "hour": 18, "minute": 0, "timezone": "Asia/Shanghai"},
        "志愿班次前一天提醒",
    ),
    Job(
        "expire_points",
        points.expire_points,
        {"trigger": "cron", "hour": 3, "minute": 30, "timezone": "Asia/Shanghai"},
        "志愿积分到期清理",
    ),
    Job(
        "cancel_uncollected_redemptions",
        rewards.cancel_uncollected_redemptions,
        {"trigger": "interval", "minutes": 30},
        "爱心超市逾期未领兑换退还",
    ),
]


CATCH_UP = timedelta(hours=1)  # a cron job due this long before a leader starts is run then, if unfinished


def run_job(app: Flask, job: Job) -> Any:
    """Run one job in an app context and commit its work with the time it finished (or roll it back
    whole)."""
    with app.app_context():
        try:
            result = job.func()
            record_run(job.id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job.id)
            raise
        log.info("job %s done: %s", job.id, result)
        return result


def record_run(job_id: str) -> None:
    stamp = now()
    stmt = insert_for(db.session, JobRun).values(job_id=job_id, finished_at=stamp)
    db.session.execute(stmt.on_conflict_do_update(index_elements=["job_id"], set_={"finished_at": stamp}))


def unfinished_cron_jobs(at: datetime) -> list[Job]:
    """The cron jobs due within ``CATCH_UP`` before ``at`` that have not finished a run since."""
    finished = dict(db.session.execute(sa.select(JobRun.job_id, JobRun.finished_at)).tuples().all())
    found = []
    for job in JOBS:
        if job.trigger.get("trigger") != "cron":
            continue
        trigger = CronTrigger(**{key: value for key, value in job.trigger.items() if key != "trigger"})
        due = trigger.get_next_fire_time(None, at - CATCH_UP)
        last = finished.get(job.id)
        if due is not None and due <= at and (last is None or last < due):
            found.append(job)
    return found


def build_scheduler(app: Flask) -> BackgroundScheduler:
    """The scheduler of every job; a cron job whose due run never finished is run at once."""
    scheduler = BackgroundScheduler(timezone=UTC)
    with app.app_context():
        try:
            overdue = {job.id for job in unfinished_cron_jobs(now())}
        except sa.exc.SQLAlchemyError:  # no job_run table yet (migrations pending): nothing to catch up
            log.warning("cannot tell which jobs' runs never finished; none is run early", exc_info=True)
            overdue = set()
        finally:
            db.session.remove()
    for job in JOBS:
        extra = {"next_run_time": datetime.now(UTC)} if job.id in overdue else {}
        if extra:
            log.info("job %s: its last due run never finished; running it now", job.id)
        scheduler.add_job(
            run_job,
            args=(app, job),
            id=job.id,
            name=job.description or job.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=300,
            **job.trigger,
            **extra,
        )
    return scheduler


def register_cli(app: Flask) -> None:
    from cloudplatform.jobs.leader import run_as_leader

    group = click.Group("jobs", help="Scheduled jobs.")

    @group.command("list")
    def list_jobs():
        """List the declared jobs and their triggers."""
        for job in JOBS:
            click.echo(f"{job.id}\t{job.trigger}\t{job.description}")

    @group.command("run-once")
    @click.argument("job_id")
    def run_once(job_id):
        """Run one job now, in this process."""
        job = next((j for j in JOBS if j.id == job_id), None)
        if job is None:
            raise click.BadParameter(f"unknown job {job_id}")
        click.echo(f"{job_id}: {run_job(app, job)}")

    @group.command("run")
    def run():
        """Run the scheduler as this deployment's single leader (standby while another leads)."""
        run_as_leader(app)

    app.cli.add_command(group)
