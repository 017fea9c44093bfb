"""Writes of service hours: the monthly report of every unit (``build_unit_reports``), sent to the unit's
contact."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from cloudplatform.audit.operations import record
from cloudplatform.extensions import db
from cloudplatform.identity.models import StaffAccount, User
from cloudplatform.identity.permissions import requires, scope_filter
from cloudplatform.notify.operations import notify
from cloudplatform.orm import flush_unique
from cloudplatform.party.errors import UnitReportBusy
from cloudplatform.party.hours.queries import (
    hours,
    lines_of_units,
    month_label,
    month_start,
    unit_report,
    unit_report_export,
)
from cloudplatform.party.models import APPROVED, PartyUnit, UnitMonthlyReport

TEMPLATE, PAGE = "party_unit_report", "pages/party/hours"
MANAGE = "party.manage"


@dataclass(frozen=True)
class BuildResult:
    """What a build did: reports made new, changed, left as they were, and notices queued."""

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    notified: int = 0


def summary(report: UnitMonthlyReport) -> str:
    """The notice's 服务概况 (a thing: at most 20 characters)."""
    return (
        f"报到{report.members_reported}人，活动{report.activities_attended}人次，"
        f"服务{hours(report.minutes_served):g}小时"
    )


@requires(MANAGE)
def rebuild_unit_reports(staff: StaffAccount, month: date) -> BuildResult:
    """Staff build a month's reports now (this month so far, or a past one corrected since) for the units
    their communities keep; audited.

    :raises UnitReportBusy: another build of the month is writing the same reports at this moment.
    """
    result = build_unit_reports(month, scope_filter(staff, PartyUnit.community_id))
    record(staff, "unit_report.build", community_id=staff.community_id, details={"month": month_label(month)})
    return result


def build_unit_reports(month: date, *where: sa.ColumnElement[bool]) -> BuildResult:
    """Build the month's report (any day of it) of every active unit matching ``where``: a line per
    member (masked name, community, report status, activities attended, posts served, minutes credited
    that month) and the totals, in ``UnitMonthlyReport``. Idempotent: a rerun replaces the month's
    figures in place, in the caller's transaction. The unit's contact (``contact_user_id``) is sent
    ``party_unit_report`` when the report is new or its figures changed, so a rerun over the same data
    sends nothing. A handful of statements plus one per report written."""
    first = month_start(month)
    lines = lines_of_units(first)
    units = db.session.scalars(
        sa.select(PartyUnit).where(PartyUnit.active, *where).order_by(PartyUnit.id)
    ).all()
    existing = {
        r.unit_id: r
        for r in db.session.scalars(sa.select(UnitMonthlyReport).where(UnitMonthlyReport.month == first))
    }
    contacts = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.id.in_({u.contact_user_id for u in units if u.contact_user_id}))
        )
    }
    created = changed = unchanged = notified = 0
    for unit in units:
        rows = sorted(lines.get(unit.id, {}).values(), key=lambda r: (-r["minutes"], r["user_id"]))
        figures = {
            "members_reported": sum(1 for r in rows if r["status"] == APPROVED),
            "activities_attended": sum(r["activities"] for r in rows),
            "minutes_served": sum(r["minutes"] for r in rows),
            "rows": rows,
        }
        report = existing.get(unit.id)
        if report is None:
            report = UnitMonthlyReport(
                unit_id=unit.id, community_id=unit.community_id, month=first, **figures
            )
            db.session.add(report)
            created += 1
        elif all(getattr(report, k) == v for k, v in figures.items()):
            unchanged += 1
            continue
        else:
            for key, value in figures.items():
                setattr(report, key, value)
            report.community_id = unit.community_id
            changed += 1
        contact = contacts.get(unit.contact_user_id or 0)
        if contact is not None:
            notify(
                contact,
                TEMPLATE,
                {"thing1": unit.name, "thing2": month_label(first), "thing3": summary(report)},
                PAGE,
            )
            notified += 1
    flush_unique(db.session, UnitReportBusy())
    return BuildResult(created, changed, unchanged, notified)


@requires(MANAGE)
def export_unit_report(
    staff: StaffAccount, report_id: int, fmt: str
) -> tuple[str, tuple[str, ...], list[list]]:
    """A unit's monthly report to take away: (file name, headers, rows) as ``unit_report_export`` gives
    them; the download is recorded in the audit log."""
    report = unit_report(staff, report_id)
    details = {"format": fmt, "month": month_label(report.month), "rows": len(report.rows)}
    record(staff, "export.unit_report", target=report, community_id=report.community_id, details=details)
    return unit_report_export(report)
