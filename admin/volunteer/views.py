"""志愿云: 志愿班次 (shifts of the staff member's communities; a project's new shift; cancelling), a shift's
roster and attendance (confirm one or all, correct; the venue screen is the generic
/admin/venue/volunteer_shift/<id>), 出勤确认, 时长异议, 积分规则 and 志愿者 (hours, balance, ledger and
adjustments)."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.lists import list_args
from admin.party.views import attempt, chosen_for_form, new_form
from admin.pickers import chosen_community, community_choice
from admin.volunteer.forms import (
    DECISIONS,
    MULTIPLIER_FIELDS,
    AdjustForm,
    CancelForm,
    CorrectForm,
    DecideForm,
    ProjectCreateForm,
    RuleForm,
    ShiftForm,
    rule_multipliers,
)
from cloudplatform.clock import now
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import allows, require
from cloudplatform.privacy import mask_name
from cloudplatform.volunteer import console_queries as console
from cloudplatform.volunteer.attendance import operations as attendance
from cloudplatform.volunteer.attendance import queries as attendance_queries
from cloudplatform.volunteer.attendance.queries import ATTENDANCE, DISPUTES, VENUE_PURPOSE, shift_minutes
from cloudplatform.volunteer.models import (
    CANCELLED,
    CATEGORIES,
    ENTRY_KIND_NAMES,
    SIGNUP_STATUS_NAMES,
    VOLUNTEER_STATUS_NAMES,
)
from cloudplatform.volunteer.points import operations as points
from cloudplatform.volunteer.points import queries as points_queries
from cloudplatform.volunteer.points.operations import MANAGE as POINTS
from cloudplatform.volunteer.shifts import operations as shifts
from cloudplatform.volunteer.shifts import queries as shift_queries
from cloudplatform.volunteer.volunteers.queries import MANAGE, load_volunteer

WHEN_TABS = {"upcoming": "未结束", "past": "已结束", "all": "全部"}
SHIFT_DEFAULTS = {"capacity": 10, "cancel_deadline_hours": 2, "check_in_margin_minutes": 30}
LEDGER_PAGE = 50


def project_options(staff: StaffAccount, community_id: int | None = None) -> list[tuple]:
    projects = console.projects_in_scope(staff, community_id)
    return [(p.id, p.name) for p in projects]


# -- 志愿班次 -------------------------------------------------------------------------------------


@bp.get("/volunteer/shifts")
@login_required
def volunteer_shifts():
    """Shifts of the staff member's communities: those not over yet first (soonest first), the past ones
    or all; search by project or place; community and project filters; places, the waitlist, check-ins."""
    staff = require(current_staff(), ATTENDANCE)
    when = request.args.get("when") if request.args.get("when") in WHEN_TABS else "upcoming"
    sorts = ("starts", "-starts") if when == "upcoming" else ("-starts", "starts")
    args = list_args(sorts=sorts, filters=("when", "community_id", "project_id"))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    projects = project_options(staff, chosen[0] if chosen else None)
    project_id = args.get_int("project_id")
    page = console.shifts_list(
        staff,
        q=args.q,
        community_id=chosen[0] if chosen else None,
        project_id=project_id if project_id in {p for p, _ in projects} else None,
        upcoming={"upcoming": True, "past": False}.get(when),
        sort=args.sort,
        page=args.page,
    )
    return render_template(
        "admin/volunteer/shifts.html",
        page=page,
        args=args,
        when=when,
        tabs=WHEN_TABS,
        choice=choice,
        chosen=chosen,
        projects=projects,
        counts=console.shift_counts([s.id for s in page.items]),
        names=identity.community_names({s.community_id for s in page.items}),
        current=now(),
        may_manage=allows(staff, MANAGE),
    )


@bp.route("/volunteer/projects/new", methods=["GET", "POST"])
@login_required
def volunteer_project_new():
    """Open a volunteer project in a community; its shifts are published next."""
    staff = require(current_staff(), MANAGE)
    choice = community_choice(staff)
    form = new_form(ProjectCreateForm, staff, choice, category="neighbourhood")
    status = 200
    if form.validate_on_submit():
        try:
            project = shifts.create_project(staff, form.community_id.data, **form.fields())
        except AppError as error:
            flash_failure(error)
            status = error.status
        else:
            flash(f"已创建志愿项目“{project.name}”，请发布班次", "info")
            return redirect(url_for("admin.volunteer_shift_new", project_id=project.id))
    elif form.errors:
        status = 422
    return render_template(
        "admin/volunteer/project_form.html",
        form=form,
        choice=choice,
        chosen=chosen_for_form(staff, choice, form),
    ), status


@bp.route("/volunteer/shifts/new", methods=["GET", "POST"])
@login_required
def volunteer_shift_new():
    """Publish a shift of an open project of the staff member's communities."""
    staff = require(current_staff(), MANAGE)
    form = ShiftForm(data=SHIFT_DEFAULTS | {"project_id": request.args.get("project_id", type=int)})
    form.project_id.choices = [("", "请选择志愿项目"), *project_options(staff)]
    status = 200
    if form.validate_on_submit():
        try:
            project = shift_queries.load_project(staff, form.project_id.data)
            shift = shifts.create_shift(staff, project, **form.fields())
        except AppError as error:
            flash_failure(error)
            status = error.status
        else:
            flash(f"已发布“{project.name}”的班次", "info")
            return redirect(url_for("admin.volunteer_shift", shift_id=shift.id))
    elif form.errors:
        status = 422
    return render_template("admin/volunteer/shift_form.html", form=form), status


@bp.post("/volunteer/shifts/<id:shift_id>/cancel")
@login_required
def volunteer_shift_cancel(shift_id):
    """Cancel a shift before it starts, with a reason; every volunteer signed up or waiting is told."""
    staff = current_staff()
    shift = shift_queries.load_shift(staff, shift_id)
    back = url_for("admin.volunteer_shift", shift_id=shift.id)
    form = CancelForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back)
    return attempt(
        lambda: shifts.cancel_shift(staff, shift, form.reason.data),
        back,
        f"已取消“{shift.project.name}”的班次，已通知报名和候补的志愿者",
    )


@bp.get("/volunteer/shifts/<id:shift_id>")
@login_required
def volunteer_shift(shift_id):
    """A shift with its places and offers in the order they came, the waitlist in its order, check-in
    and check-out times and the minutes confirmed; confirm one or all, correct; the venue screen."""
    staff = current_staff()
    sheet = console.shift_sheet(staff, shift_id)
    return render_template(
        "admin/volunteer/shift.html",
        shift=sheet,
        statuses=SIGNUP_STATUS_NAMES,
        categories=CATEGORIES,
        community=identity.community_names({sheet.community_id}).get(sheet.community_id, ""),
        may_manage=allows(staff, MANAGE),
        changeable=sheet.status != CANCELLED and sheet.starts_at > now(),
        started=sheet.starts_at <= now(),
        length=shift_minutes(sheet),
        venue_url=url_for("admin.venue_screen", purpose=VENUE_PURPOSE, record_id=sheet.id),
        cancel_form=CancelForm(formdata=None),
        correct_form=CorrectForm(formdata=None),
    )


@bp.post("/volunteer/shifts/<id:shift_id>/confirm-all")
@login_required
def volunteer_shift_confirm_all(shift_id):
    """Confirm every checked-in volunteer of the shift not confirmed yet."""
    staff = current_staff()
    shift = attendance_queries.load_shift(staff, shift_id)
    try:
        confirmed = attendance.confirm_all(staff, shift)
    except AppError as error:
        flash_failure(error)
    else:
        flash(f"已确认 {confirmed} 名签到志愿者的服务时长", "info")
    return redirect(url_for("admin.volunteer_shift", shift_id=shift.id))


def back_to(signup) -> str:
    """The shift's page, or the queue when the form was sent from there."""
    if request.form.get("back") == "queue":
        return url_for("admin.volunteer_attendance")
    return url_for("admin.volunteer_shift", shift_id=signup.shift_id)


@bp.post("/volunteer/signups/<id:signup_id>/confirm")
@login_required
def volunteer_signup_confirm(signup_id):
    """Confirm a checked-in volunteer's hours: minutes, total and points credited; the volunteer told."""
    staff = current_staff()
    signup = attendance_queries.load_signup(staff, signup_id)
    return attempt(
        lambda: attendance.confirm_attendance(staff, signup),
        back_to(signup),
        f"已确认服务时长：{mask_name(signup.volunteer.real_name)}",
    )


@bp.post("/volunteer/signups/<id:signup_id>/correct")
@login_required
def volunteer_signup_correct(signup_id):
    """Correct the minutes confirmed for an attendance, with a reason (audited)."""
    staff = current_staff()
    signup = attendance_queries.load_signup(staff, signup_id)  # 403/404 before any hint
    form = CorrectForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back_to(signup))
    return attempt(
        lambda: attendance.correct_hours(staff, signup, form.minutes.data, form.reason.data),
        back_to(signup),
        f"已将服务时长更正为 {form.minutes.data} 分钟",
    )


# -- 出勤确认 -------------------------------------------------------------------------------------


@bp.get("/volunteer/attendance")
@login_required
def volunteer_attendance():
    """The checked-in volunteers whose hours are not confirmed yet, oldest check-in first."""
    staff = require(current_staff(), ATTENDANCE)
    queue = attendance_queries.attendance_queue(staff)
    return render_template(
        "admin/volunteer/attendance.html",
        queue=queue,
        limit=attendance_queries.QUEUE_LIMIT,
        names=identity.community_names({s.community_id for s in queue}),
        current=now(),
    )


# -- 时长异议 -------------------------------------------------------------------------------------


@bp.get("/volunteer/disputes")
@login_required
def volunteer_disputes():
    """The open disputes of the staff member's communities, oldest first, each with its decision form."""
    staff = require(current_staff(), DISPUTES)
    disputes = attendance_queries.open_disputes(staff)
    return render_template(
        "admin/volunteer/disputes.html",
        disputes=disputes,
        limit=attendance_queries.QUEUE_LIMIT,
        names=identity.community_names({d.community_id for d in disputes}),
        decisions=DECISIONS,
        form=DecideForm(formdata=None),
    )


@bp.post("/volunteer/disputes/<id:dispute_id>/decide")
@login_required
def volunteer_dispute_decide(dispute_id):
    """Uphold a dispute (new minutes, else those claimed) or dismiss it, with a note; the volunteer told."""
    staff = current_staff()
    dispute = attendance_queries.load_dispute(staff, dispute_id)
    back = url_for("admin.volunteer_disputes")
    form = DecideForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back)
    uphold = form.decision.data == "uphold"
    return attempt(
        lambda: attendance.decide_dispute(staff, dispute, uphold, form.note.data, form.minutes.data),
        back,
        "已更正服务时长" if uphold else "已维持原服务时长",
    )


# -- 积分规则 -------------------------------------------------------------------------------------


@bp.route("/volunteer/rules", methods=["GET", "POST"])
@login_required
def volunteer_rules():
    """Each community's points rules, newest first, and the form for a new one (from a day on; the
    community's open-ended rule ends the day before)."""
    staff = require(current_staff(), POINTS)
    choice = community_choice(staff)
    form = new_form(RuleForm, staff, choice, points_per_hour=10)
    status = 200
    if form.validate_on_submit():
        try:
            points.set_rule(
                staff,
                form.community_id.data,
                form.points_per_hour.data,
                rule_multipliers(form),
                form.daily_cap.data,
                form.effective_from.data,
                form.effective_until.data,
            )
        except AppError as error:
            flash_failure(error)
            status = error.status
        else:
            flash(f"已设置积分规则，自 {form.effective_from.data:%Y-%m-%d} 起生效", "info")
            return redirect(url_for("admin.volunteer_rules"))
    elif form.errors:
        status = 422
    rules = console.rules_list(staff)
    return render_template(
        "admin/volunteer/rules.html",
        rules=rules,
        names=identity.community_names({r.community_id for r in rules}),
        categories=CATEGORIES,
        form=form,
        multiplier_fields=MULTIPLIER_FIELDS,
        choice=choice,
        chosen=chosen_for_form(staff, choice, form),
    ), status


# -- 志愿者 ---------------------------------------------------------------------------------------


@bp.get("/volunteer/volunteers")
@login_required
def volunteer_list():
    """The volunteers of the staff member's communities with their confirmed hours and points balance:
    search by name, a community filter, sort by name, hours or registration."""
    staff = require(current_staff(), MANAGE)
    args = list_args(
        sorts=("name", "-name", "-minutes", "minutes", "-registered", "registered"), filters=("community_id",)
    )
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    page = console.volunteers_list(
        staff, q=args.q, community_id=chosen[0] if chosen else None, sort=args.sort, page=args.page
    )
    return render_template(
        "admin/volunteer/volunteers.html",
        page=page,
        args=args,
        choice=choice,
        chosen=chosen,
        balances=console.balances([v.user_id for v in page.items]),
        names=identity.community_names({v.community_id for v in page.items}),
        statuses=VOLUNTEER_STATUS_NAMES,
    )


@bp.get("/volunteer/volunteers/<id:volunteer_id>")
@login_required
def volunteer_detail(volunteer_id):
    """A volunteer: their hours, balance and points ledger (newest first), and the adjustment form."""
    staff = current_staff()
    volunteer = load_volunteer(staff, volunteer_id)
    cursor = request.args.get("cursor") or None
    entries, next_cursor = points_queries.ledger_page(volunteer.user_id, cursor, LEDGER_PAGE)
    return render_template(
        "admin/volunteer/volunteer.html",
        volunteer=volunteer,
        balance=points_queries.balance_of(volunteer.user_id),
        entries=entries,
        next_cursor=next_cursor,
        kinds=ENTRY_KIND_NAMES,
        statuses=VOLUNTEER_STATUS_NAMES,
        community=identity.community_names({volunteer.community_id}).get(volunteer.community_id, ""),
        may_adjust=allows(staff, POINTS),
        adjust_form=AdjustForm(formdata=None),
    )


@bp.post("/volunteer/volunteers/<id:volunteer_id>/adjust")
@login_required
def volunteer_adjust(volunteer_id):
    """Add or take a volunteer's points, with a reason (audited)."""
    staff = current_staff()
    volunteer = load_volunteer(staff, volunteer_id, POINTS)
    back = url_for("admin.volunteer_detail", volunteer_id=volunteer.id)
    form = AdjustForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back)
    return attempt(
        lambda: points.adjust_points(staff, volunteer.user_id, form.amount.data, form.reason.data),
        back,
        f"已调整积分 {form.amount.data:+d}",
    )
