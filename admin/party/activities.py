"""党建活动 (activities, their sign-ups and waitlist, attendance and hours; the venue screen is the generic
/admin/venue/party_activity/<id>) and 单位月报 (units' monthly reports with downloads)."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.exports import export_response
from admin.lists import list_args
from admin.party.forms import ActivityCreateForm, ActivityForm, CancelForm, CorrectForm, parse_month
from admin.party.views import attempt, chosen_for_form, new_form
from admin.pickers import chosen_community, community_choice
from cloudplatform.clock import local, now
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import allows, require
from cloudplatform.party.activities import operations
from cloudplatform.party.activities import queries as activities
from cloudplatform.party.activities.queries import ATTENDANCE, MANAGE, VENUE_PURPOSE
from cloudplatform.party.hours import operations as hours_operations
from cloudplatform.party.hours import queries as hours
from cloudplatform.party.members import queries as members
from cloudplatform.party.models import (
    ACTIVITY_AUDIENCES,
    ACTIVITY_KINDS,
    CANCELLED,
    SIGNUP_STATUS_NAMES,
    PartyUnit,
)

SIGNUPS_PER_PAGE = 100
WHEN_TABS = {"upcoming": "未结束", "past": "已结束", "all": "全部"}
DEFAULTS = {"kind": "theme_day", "audience": "community", "capacity": 30, "cancel_deadline_hours": 2}
DEFAULTS |= {"check_in_margin_minutes": 30}


def unit_choices(staff: StaffAccount, community_id: int | None) -> list[tuple]:
    """Units an activity of ``community_id`` may be for (every active unit in scope before one is chosen)."""
    units: list[PartyUnit] = (
        members.units_of_community(staff, community_id)
        if community_id is not None
        else list(members.units_list(staff, active=True, per_page=200).items)
    )
    return [("", "请选择单位"), *((u.id, u.name) for u in units)]


# -- 党建活动 ---------------------------------------------------------------------------------------


@bp.get("/party/activities")
@login_required
def party_activities():
    """Activities of the staff member's communities: those not over yet first (soonest first), the past
    ones (latest first) or all; search by title or venue; a community filter; with places, the waitlist
    and check-ins."""
    staff = require(current_staff(), ATTENDANCE)
    when = request.args.get("when") if request.args.get("when") in WHEN_TABS else "upcoming"
    sorts = ("starts", "-starts") if when == "upcoming" else ("-starts", "starts")
    args = list_args(sorts=sorts, filters=("when", "community_id"))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    page = activities.activities_list(
        staff,
        q=args.q,
        community_id=chosen[0] if chosen else None,
        upcoming={"upcoming": True, "past": False}.get(when),
        sort=args.sort,
        page=args.page,
    )
    return render_template(
        "admin/party/activities.html",
        page=page,
        args=args,
        when=when,
        tabs=WHEN_TABS,
        choice=choice,
        chosen=chosen,
        counts=activities.signup_counts([a.id for a in page.items]),
        names=identity.community_names({a.community_id for a in page.items}),
        kinds=ACTIVITY_KINDS,
        current=now(),
        may_manage=allows(staff, MANAGE),
    )


def render_activity_form(staff, form, *, activity=None, choice=None, status=200):
    return render_template(
        "admin/party/activity_form.html",
        form=form,
        activity=activity,
        choice=choice,
        chosen=chosen_for_form(staff, choice, form) if choice else None,
    ), status


@bp.route("/party/activities/new", methods=["GET", "POST"])
@login_required
def party_activity_new():
    staff = require(current_staff(), MANAGE)
    choice = community_choice(staff)
    form = new_form(ActivityCreateForm, staff, choice, **DEFAULTS)
    form.unit_id.choices = unit_choices(staff, choice.only)
    if form.validate_on_submit():
        try:
            activity = operations.create_activity(staff, form.community_id.data, **form.fields())
        except AppError as error:
            flash_failure(error)
            return render_activity_form(staff, form, choice=choice, status=error.status)
        flash(f"已发布党建活动“{activity.title}”", "info")
        return redirect(url_for("admin.party_activity", activity_id=activity.id))
    return render_activity_form(staff, form, choice=choice, status=422 if form.errors else 200)


@bp.route("/party/activities/<id:activity_id>/edit", methods=["GET", "POST"])
@login_required
def party_activity_edit(activity_id):
    """Change an activity before it starts (more places go to the waitlist first)."""
    staff = current_staff()
    activity = activities.load_activity(staff, activity_id)
    form = ActivityForm(obj=activity)
    form.unit_id.choices = unit_choices(staff, activity.community_id)
    if form.validate_on_submit():
        try:
            operations.update_activity(staff, activity, **form.fields())
        except AppError as error:
            flash_failure(error)
            return render_activity_form(staff, form, activity=activity, status=error.status)
        flash(f"已保存党建活动“{activity.title}”", "info")
        return redirect(url_for("admin.party_activity", activity_id=activity.id))
    return render_activity_form(staff, form, activity=activity, status=422 if form.errors else 200)


@bp.post("/party/activities/<id:activity_id>/cancel")
@login_required
def party_activity_cancel(activity_id):
    """Cancel an activity before it starts; every member signed up or waiting is told."""
    staff = current_staff()
    activity = activities.load_activity(staff, activity_id)
    back = url_for("admin.party_activity", activity_id=activity.id)
    form = CancelForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back)
    return attempt(
        lambda: operations.cancel_activity(staff, activity, form.reason.data or ""),
        back,
        f"已取消党建活动“{activity.title}”，已通知报名和候补的党员",
    )


@bp.get("/party/activities/<id:activity_id>")
@login_required
def party_activity(activity_id):
    """An activity with its sign-ups in the order they came (the waitlist's order), check-in and
    check-out times, the minutes credited; confirm and correct; the venue screen's link."""
    staff = current_staff()
    activity = activities.load_activity(staff, activity_id, ATTENDANCE)
    cursor = request.args.get("cursor") or None
    signups, next_cursor = activities.signups_page(activity, cursor, SIGNUPS_PER_PAGE)
    return render_template(
        "admin/party/activity.html",
        activity=activity,
        listed=activities.with_waiting(activity),
        signups=signups,
        next_cursor=next_cursor,
        labels=identity.user_labels(s.user_id for s in signups),
        statuses=SIGNUP_STATUS_NAMES,
        kinds=ACTIVITY_KINDS,
        audiences=ACTIVITY_AUDIENCES,
        community=identity.community_names({activity.community_id}).get(activity.community_id, ""),
        may_manage=allows(staff, MANAGE),
        changeable=activity.status != CANCELLED and activity.starts_at > now(),
        venue_url=url_for("admin.venue_screen", purpose=VENUE_PURPOSE, record_id=activity.id),
        cancel_form=CancelForm(formdata=None),
        correct_form=CorrectForm(formdata=None),
    )


def signup_action(signup_id: int, operation, done: str):
    staff = current_staff()
    signup = activities.load_signup(staff, signup_id)
    who = identity.user_labels([signup.user_id]).get(signup.user_id) or "已注销用户"
    return attempt(
        lambda: operation(staff, signup),
        url_for("admin.party_activity", activity_id=signup.activity_id),
        f"{done}：{who}",
    )


@bp.post("/party/signups/<id:signup_id>/confirm")
@login_required
def party_signup_confirm(signup_id):
    """Confirm a checked-in member's attendance: their service hours are credited."""
    return signup_action(signup_id, operations.confirm_attendance, "已确认出勤并记入服务时长")


@bp.post("/party/activities/<id:activity_id>/confirm-all")
@login_required
def party_activity_confirm_all(activity_id):
    """Confirm every checked-in member not confirmed yet (a whole 主题党日 at once)."""
    staff = current_staff()
    activity = activities.load_activity(staff, activity_id, ATTENDANCE)
    try:
        credited = operations.confirm_all_attendance(staff, activity)
    except AppError as error:
        flash_failure(error)
    else:
        flash(f"已确认 {credited} 名签到党员的出勤并记入服务时长", "info")
    return redirect(url_for("admin.party_activity", activity_id=activity.id))


@bp.post("/party/signups/<id:signup_id>/correct")
@login_required
def party_signup_correct(signup_id):
    """Correct the minutes credited for an attendance, with a reason (audited)."""
    form = CorrectForm()
    if not form.validate():
        signup = activities.load_signup(current_staff(), signup_id)  # 403/404 before any hint
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(url_for("admin.party_activity", activity_id=signup.activity_id))
    return signup_action(
        signup_id,
        lambda staff, signup: operations.correct_hours(staff, signup, form.minutes.data, form.reason.data),
        f"已将服务时长更正为 {form.minutes.data} 分钟",
    )


# -- 单位月报 ---------------------------------------------------------------------------------------


@bp.get("/party/unit-reports")
@login_required
def party_unit_reports():
    """The units' monthly reports of one month (last month by default; ``month`` YYYY-MM), search by
    unit, a community filter, sort by unit, month or hours."""
    staff = require(current_staff(), MANAGE)
    args = list_args(sorts=("unit", "-unit", "-minutes", "minutes"), filters=("month", "community_id"))
    month = parse_month(args.get("month")) or hours.previous_month(local(now()).date())
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    page = hours.unit_reports_list(
        staff, month, q=args.q, community_id=chosen[0] if chosen else None, sort=args.sort, page=args.page
    )
    return render_template(
        "admin/party/unit_reports.html",
        page=page,
        args=args,
        month=month,
        month_label=hours.month_label(month),
        choice=choice,
        chosen=chosen,
        as_hours=hours.hours,
    )


@bp.get("/party/unit-reports/<id:report_id>")
@login_required
def party_unit_report(report_id):
    """A unit's report of a month: its totals and a line per member (names masked)."""
    report = hours.unit_report(current_staff(), report_id)
    return render_template(
        "admin/party/unit_report.html",
        report=report,
        month_label=hours.month_label(report.month),
        as_hours=hours.hours,
    )


@bp.get("/party/unit-reports/<id:report_id>.<any(csv, xlsx):fmt>")
@login_required
def party_unit_report_export(report_id, fmt):
    """The report as CSV or Excel, as the page shows it, with a totals line."""
    name, headers, rows = hours_operations.export_unit_report(current_staff(), report_id, fmt)
    return export_response(fmt, name, headers, rows)
