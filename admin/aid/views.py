"""困难救助 in the console: 救助审核 (the queue by step with the working-day clock), the full record (the
ID number shown whole, each view audited) with its materials, history, objections and the decisions its
status allows, 救助公示, 救助统计, the exports, and 救助类别 (city admins)."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.aid.forms import (
    AmountForm,
    AnswerForm,
    CalendarDayForm,
    CategoryForm,
    ClearDayForm,
    EmergencyForm,
    GrantForm,
    MaterialsForm,
    RejectForm,
    StepForm,
    VisitForm,
)
from admin.audit.views import parse_day
from admin.auth import current_staff, flash_failure, login_required
from admin.charts import bar_chart
from admin.exports import export_response
from admin.forms import accepts_files, optional_int
from admin.lists import list_args
from admin.party.views import attempt
from admin.pickers import chosen_community, community_choice
from cloudplatform.clock import local, now
from cloudplatform.errors import AppError
from cloudplatform.identity.permissions import allows, require
from cloudplatform.privacy import mask_name
from cloudplatform.service.aid import config, operations, queries, reports
from cloudplatform.service.aid.errors import AidWrongStep
from cloudplatform.service.aid.models import (
    FLAG_NAMES,
    MATERIAL,
    OPEN,
    PUBLICITY,
    REVIEW,
    STEP_NAMES,
    STREET_REVIEW,
    SUBMITTED,
    VISIT_PHOTO,
    AidApplication,
)
from cloudplatform.service.uploads.queries import show
from cloudplatform.service.workdays import operations as calendar

REVIEW_RIGHT, APPROVE, EMERGENCY, CONFIGURE = "aid.review", "aid.approve", "aid.emergency", "aid.configure"
QUEUE_FILTERS = ("step", "community_id", "category_id")
IMAGE_TYPES = ("image/jpeg", "image/png")

# -- 救助审核 ------------------------------------------------------------------------------------------


def queue_state(staff):
    """The queue's tab, search, filters and sort from the address: (args, step, chosen, category_id)."""
    args = list_args(sorts=("due", "-due", "-submitted", "submitted", "-decided"), filters=QUEUE_FILTERS)
    default = STREET_REVIEW if allows(staff, APPROVE) else SUBMITTED
    step = args.get("step") if args.get("step") in reports.STEPS else default
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    categories = [(c.id, c.name) for c in config.all_categories()]
    category_id = args.get_int("category_id")
    if category_id not in dict(categories):
        category_id = None
    return args, step, choice, chosen, categories, category_id


@bp.get("/aid/applications")
@login_required
def aid_queue():
    """One step of the cases in scope (待受理 first for community workers, 街道审批 for the street) with
    each tab's count: the clock per row (due date, working days left; overdue in red, due soon in
    amber), names masked; search by name, room or category; filters by community and category."""
    staff = require(current_staff(), REVIEW_RIGHT)
    args, step, choice, chosen, categories, category_id = queue_state(staff)
    wanted = {"q": args.q, "community_id": chosen[0] if chosen else None, "category_id": category_id}
    page = reports.queue_page(staff, step, sort=args.sort, page=args.page, **wanted)
    return render_template(
        "admin/aid/queue.html",
        page=page,
        args=args,
        step=step,
        steps=reports.STEPS,
        counts=reports.step_counts(staff, **wanted),
        choice=choice,
        chosen=chosen,
        filters=[*choice.filter(), ("category_id", "类别", categories)],
        left={a.id: operations.working_days_left(a) for a in page.items},
        flags=FLAG_NAMES,
        export_query={k: v for k, v in {"step": step, "sort": args.sort, **wanted}.items() if v},
    )


@bp.get("/aid/applications/export.<any(csv, xlsx):fmt>")
@login_required
def aid_export(fmt):
    """The queue's tab under its current search and filters as CSV or Excel. The applicant's name, phone
    and ID number are in it only for staff allowed them (``aid.export_sensitive``); audited."""
    staff = require(current_staff(), REVIEW_RIGHT)
    args, step, _, chosen, _, category_id = queue_state(staff)
    headers, rows = reports.export_applications(
        staff,
        fmt,
        step,
        q=args.q,
        community_id=chosen[0] if chosen else None,
        category_id=category_id,
        sort=args.sort,
    )
    name = f"救助申请-{reports.STEPS[step]}-{local(now()):%Y-%m-%d}"
    return export_response(fmt, name, headers, rows)


# -- the full record -------------------------------------------------------------------------------------


def checklist(application: AidApplication) -> list[tuple[str, list]]:
    """Each item of the category's checklist with the files that prove it (none: missing), then the
    files named for no item of it."""
    materials = [f for f in application.files if f.kind == MATERIAL]
    items = list(application.category.materials or [])
    rows = [(item, [f for f in materials if f.material == item]) for item in items]
    others = [f for f in materials if f.material not in items]
    if others:
        rows.append(("其他材料", others))
    return rows


def decisions(staff, application: AidApplication) -> dict:
    """The forms the case's status allows this staff member (name -> blank form)."""
    status, category = application.status, application.category
    seen = {"seen": status}
    forms: dict = {}
    if status == SUBMITTED:
        forms["accept"] = StepForm(formdata=None, data=seen)
    if status in (SUBMITTED, REVIEW):
        materials = MaterialsForm(formdata=None, data=seen)
        materials.missing.choices = {m: m for m in category.materials or []}
        forms["request_materials"] = materials
    if status == REVIEW:
        forms["visit"] = VisitForm(formdata=None, notes=application.visit_notes)
        if category.publicity_days > 0:
            forms["publicize"] = AmountForm(formdata=None, data=seen)
        else:
            forms["forward"] = AmountForm(formdata=None, data=seen)
    if status == PUBLICITY:
        forms["forward"] = AmountForm(formdata=None, data=seen)
    if status == STREET_REVIEW and allows(staff, APPROVE):
        forms["grant"] = GrantForm(formdata=None, data=seen)
    if status in OPEN and (status != STREET_REVIEW or allows(staff, APPROVE)):
        forms["reject"] = RejectForm(formdata=None, data=seen)
    if (
        status in OPEN
        and category.emergency_allowed
        and application.emergency_granted_at is None
        and allows(staff, EMERGENCY)
    ):
        forms["emergency"] = EmergencyForm(formdata=None, data=seen)
    return forms


@bp.get("/aid/applications/<id:application_id>")
@login_required
def aid_application(application_id):
    """The case in full for its reviewer: opening it shows the ID number whole and is recorded in the
    audit log (``aid_application.view``)."""
    staff = current_staff()
    application = queries.load_staff_application(staff, application_id)
    id_number = operations.reveal_id_number(staff, application, purpose="审核")
    return render_template(
        "admin/aid/application.html",
        a=application,
        id_number=id_number,
        checklist=checklist(application),
        photos=[f for f in application.files if f.kind == VISIT_PHOTO],
        forms=decisions(staff, application),
        answer_form=AnswerForm(formdata=None),
        step_names=STEP_NAMES,
        left=operations.working_days_left(application),
        flags=FLAG_NAMES,
        image_types=IMAGE_TYPES,
        today=local(now()).date(),
    )


@bp.get("/aid/applications/<id:application_id>/files/<id:upload_id>")
@login_required
def aid_file(application_id, upload_id):
    """One of the case's files, to its reviewers only: an image shown inline, anything else (a PDF) as a
    download; never sniffed, never run, never cached by others."""
    application = queries.load_staff_application(current_staff(), application_id)
    upload = queries.load_file(application, upload_id)
    return show(upload)


def back(application: AidApplication) -> str:
    return url_for("admin.aid_application", application_id=application.id)


def decide(application_id: int, form_class, act, done: str, right: str = REVIEW_RIGHT):
    """Load the case (403 without ``right``, 404 outside scope), check the form, run the decision with the
    status the page showed; a refusal (a stale page: AID_WRONG_STEP) is flashed and changes nothing."""
    staff = require(current_staff(), right)
    application = queries.load_staff_application(staff, application_id)
    form = form_class()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back(application))
    who = mask_name(application.applicant_name)
    return attempt(
        lambda: act(staff, application, form, form.seen.data or None), back(application), done.format(who=who)
    )


@bp.post("/aid/applications/<id:application_id>/accept")
@login_required
def aid_accept(application_id):
    return decide(
        application_id,
        StepForm,
        lambda s, a, f, seen: operations.accept(s, a, seen=seen, note=f.note.data or ""),
        "已受理 {who} 的救助申请",
    )


@bp.post("/aid/applications/<id:application_id>/request-materials")
@login_required
def aid_request_materials(application_id):
    return decide(
        application_id,
        MaterialsForm,
        lambda s, a, f, seen: operations.request_materials(
            s, a, f.items(), seen=seen, note=f.note.data or ""
        ),
        "已通知 {who} 补正材料",
    )


@bp.post("/aid/applications/<id:application_id>/publicize")
@login_required
def aid_publicize(application_id):
    return decide(
        application_id,
        AmountForm,
        lambda s, a, f, seen: operations.publicize(
            s, a, proposed_amount=f.proposed_amount.data, seen=seen, note=f.note.data or ""
        ),
        "{who} 的救助申请已进入公示",
    )


@bp.post("/aid/applications/<id:application_id>/forward")
@login_required
def aid_forward(application_id):
    return decide(
        application_id,
        AmountForm,
        lambda s, a, f, seen: operations.forward(
            s, a, proposed_amount=f.proposed_amount.data, seen=seen, note=f.note.data or ""
        ),
        "{who} 的救助申请已报街道审批",
    )


@bp.post("/aid/applications/<id:application_id>/reject")
@login_required
def aid_reject(application_id):
    return decide(
        application_id,
        RejectForm,
        lambda s, a, f, seen: operations.reject(s, a, f.reason.data, seen=seen),
        "已驳回 {who} 的救助申请",
    )


@bp.post("/aid/applications/<id:application_id>/grant")
@login_required
def aid_grant(application_id):
    return decide(
        application_id,
        GrantForm,
        lambda s, a, f, seen: operations.grant(
            s, a, f.amount.data, items=f.items.data or "", seen=seen, note=f.note.data or ""
        ),
        "已批准 {who} 的救助申请",
        APPROVE,
    )


@bp.post("/aid/applications/<id:application_id>/emergency")
@login_required
def aid_emergency(application_id):
    def act(staff, application, form, seen):
        if seen != application.status:  # the page was stale: say so, as the other decisions do
            raise AidWrongStep(details={"status": application.status})
        operations.grant_emergency(staff, application, form.amount.data, note=form.note.data or "")

    return decide(application_id, EmergencyForm, act, "已为 {who} 先行救助", EMERGENCY)


@bp.post("/aid/applications/<id:application_id>/visit")
@login_required
@accepts_files
def aid_visit(application_id):
    """The home visit's notes and photos (JPEG or PNG), on a case in community review."""
    staff = require(current_staff(), REVIEW_RIGHT)
    application = queries.load_staff_application(staff, application_id)
    form = VisitForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back(application))
    return attempt(
        lambda: operations.record_visit(staff, application, form.notes.data, form.photos.files()),
        back(application),
        "已记录入户核查情况",
    )


@bp.post("/aid/applications/<id:application_id>/objections/<id:objection_id>/answer")
@login_required
def aid_answer(application_id, objection_id):
    staff = require(current_staff(), REVIEW_RIGHT)
    application = queries.load_staff_application(staff, application_id)
    form = AnswerForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back(application))
    return attempt(
        lambda: operations.answer_objection(staff, application, objection_id, form.answer.data),
        back(application),
        "已答复公示异议",
    )


# -- 救助公示 and 救助统计 -----------------------------------------------------------------------------------


@bp.get("/aid/publicity")
@login_required
def aid_publicity():
    """The cases in 公示 in scope with their period and objections; unanswered ones stand out."""
    staff = require(current_staff(), REVIEW_RIGHT)
    args = list_args(filters=("community_id",))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    return render_template(
        "admin/aid/publicity.html",
        rows=reports.publicity_list(staff, chosen[0] if chosen else None),
        args=args,
        choice=choice,
        chosen=chosen,
        today=local(now()).date(),
    )


@bp.get("/aid/statistics")
@login_required
def aid_statistics():
    """Applications by community (or street, for the city) and by category, by outcome, with the median
    days to a decision and a chart; filters by community and submission days."""
    staff = require(current_staff(), REVIEW_RIGHT)
    args = list_args(filters=("community_id", "from", "to"))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    since, until = parse_day(args.get("from")), parse_day(args.get("to"))
    figures = reports.application_statistics(staff, chosen[0] if chosen else None, since, until)
    bars = [(f.name, f.total) for f in figures.categories]
    return render_template(
        "admin/aid/statistics.html",
        figures=figures,
        args=args,
        choice=choice,
        chosen=chosen,
        since=since,
        until=until,
        chart=bar_chart("各类别救助申请数", bars, unit="件") if bars else None,
    )


# -- 救助类别 ----------------------------------------------------------------------------------------------


@bp.get("/aid/categories")
@login_required
def aid_categories():
    require(current_staff(), CONFIGURE)
    return render_template("admin/aid/categories.html", categories=config.all_categories())


def render_category_form(form, category=None, status=200):
    return render_template("admin/aid/category_form.html", form=form, category=category), status


@bp.route("/aid/categories/new", methods=["GET", "POST"])
@login_required
def aid_category_new():
    staff = require(current_staff(), CONFIGURE)
    form = CategoryForm(data={"needs_visit": True, "publicity_days": 7, "deadline_working_days": 15})
    if not form.validate_on_submit():
        return render_category_form(form, status=422 if form.errors else 200)
    category = config.create_category(staff, **form.fields())
    flash(f"已新建救助类别“{category.name}”", "info")
    return redirect(url_for("admin.aid_categories"))


@bp.route("/aid/categories/<id:category_id>/edit", methods=["GET", "POST"])
@login_required
def aid_category_edit(category_id):
    staff = require(current_staff(), CONFIGURE)
    category = config.load_category(category_id)
    form = CategoryForm(obj=category)
    if not form.is_submitted():
        form.materials.data = "\n".join(category.materials or [])
    if not form.validate_on_submit():
        return render_category_form(form, category, status=422 if form.errors else 200)
    try:
        config.update_category(staff, category, **form.fields())
    except AppError as error:
        flash_failure(error)
        return render_category_form(form, category, status=error.status)
    flash(f"已保存救助类别“{category.name}”", "info")
    return redirect(url_for("admin.aid_categories"))


# -- 节假日 ------------------------------------------------------------------------------------------------


def render_calendar(year: int, form=None, status: int = 200):
    return render_template(
        "admin/aid/calendar.html",
        year=year,
        days=reports.calendar_days(year),
        form=form or CalendarDayForm(formdata=None, data={"workday": "0"}),
        clear=ClearDayForm(formdata=None),
    ), status


def calendar_year() -> int:
    year = optional_int(request.args.get("year"))
    return year if year is not None and 2000 <= year <= 2099 else local(now()).year


@bp.get("/aid/calendar")
@login_required
def aid_calendar():
    """The year's holidays and worked weekend days (调休) that deadlines count with; a date with no entry
    follows the weekday rule."""
    require(current_staff(), CONFIGURE)
    return render_calendar(calendar_year())


@bp.post("/aid/calendar")
@login_required
def aid_calendar_set():
    staff = require(current_staff(), CONFIGURE)
    form = CalendarDayForm()
    if not form.validate():
        return render_calendar(calendar_year(), form, 422)
    day = form.day.data
    workday = form.workday.data == "1"
    calendar.set_day(staff, day, workday, form.name.data or "")
    flash(f"已将 {day.isoformat()} 设为{'调休上班' if workday else '放假'}", "info")
    return redirect(url_for("admin.aid_calendar", year=day.year))


@bp.post("/aid/calendar/clear")
@login_required
def aid_calendar_clear():
    staff = require(current_staff(), CONFIGURE)
    form = ClearDayForm()
    if not form.validate():
        flash("请选择日期", "error")
        return redirect(url_for("admin.aid_calendar"))
    day = form.day.data
    calendar.clear_day(staff, day)
    flash(f"{day.isoformat()} 已恢复为按星期计算", "info")
    return redirect(url_for("admin.aid_calendar", year=day.year))
