"""群众点单 in the console: 诉求看板 (the board by 五单 stage, search, community filter, exports), a demand
with its 四公开 facts, photos, evidence and timeline and the decisions the viewer's role and its status
allow (each with the status the page showed: a stale page changes nothing); the organisation's own
demands for its workers; 社会组织 with their workers; 留言信箱; 点单统计."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.audit.views import parse_day
from admin.auth import current_staff, flash_failure, login_required
from admin.charts import bar_chart
from admin.demands.forms import (
    DispatchForm,
    DoneForm,
    MergeForm,
    NoteForm,
    OrganisationForm,
    PublishForm,
    ReasonForm,
    ReplyForm,
    StepForm,
    SuperviseForm,
    WorkerForm,
)
from admin.exports import export_response
from admin.forms import accepts_files, optional_int
from admin.lists import list_args, search_words
from admin.party.views import attempt
from admin.pickers import answer, chosen_community, community_choice
from cloudplatform.clock import local, now
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import allows, require
from cloudplatform.service.demands import operations, organisations, queries, reports
from cloudplatform.service.demands.errors import DemandWrongStep
from cloudplatform.service.demands.models import (
    ACCEPTED,
    CATEGORIES,
    DISPATCHED,
    DONE,
    EVIDENCE,
    ORGANISATION_KINDS,
    PHOTO,
    STEP_NAMES,
    SUBMITTED,
    Demand,
    DemandFile,
)
from cloudplatform.service.messages import operations as messages
from cloudplatform.service.messages import queries as message_queries
from cloudplatform.service.messages import reports as message_reports
from cloudplatform.service.messages.models import KINDS, REPLIED, STATUS_NAMES, SUGGESTION, WAITING
from cloudplatform.service.uploads.queries import load_attached_upload, show

DISPATCH, FULFIL, SUPERVISE, VERIFY = "demand.dispatch", "demand.fulfil", "demand.supervise", "demand.verify"
MANAGE, REPLY = "organisation.manage", "message.reply"
IMAGE_TYPES = ("image/jpeg", "image/png")
BOARD_SORTS = ("-submitted", "submitted", "deadline", "-deadline")

# -- 诉求看板 ------------------------------------------------------------------------------------------


def board_state(staff):
    """The board's column, search, community filter and sort from the address."""
    args = list_args(
        sorts=("-submitted", "submitted", "deadline", "-deadline"), filters=("column", "community_id")
    )
    column = args.get("column") if args.get("column") in reports.COLUMNS else None
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    return args, column, choice, chosen


@bp.get("/demands")
@login_required
def demand_board():
    """The demands of the scope in the columns of the 五单 steps with each column's count (overdue ones
    in red, held ones marked 待审核); a column opens as a list with pages. Search by title, place or
    organisation; street and city staff filter by community."""
    staff = require(current_staff(), DISPATCH)
    args, column, choice, chosen = board_state(staff)
    wanted = {"q": args.q, "community_id": chosen[0] if chosen else None}
    page = reports.column_page(staff, column, sort=args.sort, page=args.page, **wanted) if column else None
    return render_template(
        "admin/demands/board.html",
        args=args,
        column=column,
        columns=reports.COLUMNS,
        counts=reports.column_counts(staff, **wanted),
        board=None if column else reports.board(staff, **wanted),
        page=page,
        choice=choice,
        chosen=chosen,
        today=local(now()).date(),
        overdue=reports.is_overdue,
        categories=CATEGORIES,
        export_query={k: v for k, v in {"column": column, "sort": args.sort, **wanted}.items() if v},
    )


@bp.get("/demands/export.<any(csv, xlsx):fmt>")
@login_required
def demand_export(fmt):
    """The board (or its column) under its search and filter as CSV or Excel, residents masked; audited."""
    staff = require(current_staff(), DISPATCH)
    args, column, _, chosen = board_state(staff)
    headers, rows = reports.export_demands(
        staff, fmt, column, q=args.q, community_id=chosen[0] if chosen else None, sort=args.sort
    )
    name = f"群众点单-{reports.COLUMNS[column] if column else '全部'}-{local(now()):%Y-%m-%d}"
    return export_response(fmt, name.replace(" / ", "-"), headers, rows)


# -- a demand ----------------------------------------------------------------------------------------------


def load_for_viewer(staff: StaffAccount | None, demand_id: int) -> Demand:
    """The demand for an organisation's worker (its organisation's only) or for staff of its community."""
    if allows(staff, FULFIL):
        return queries.load_org_demand(staff, demand_id)
    return queries.load_staff_demand(staff, demand_id)


def org_decisions(demand: Demand) -> dict:
    """An organisation's worker: accept or decline a dispatched demand, report one being worked on done."""
    seen = {"seen": demand.status}
    if demand.status == DISPATCHED:
        return {
            "accept": StepForm(formdata=None, data=seen),
            "decline": ReasonForm(formdata=None, data=seen),
        }
    if demand.status == ACCEPTED:
        return {"report_done": DoneForm(formdata=None, data=seen)}
    return {}


def community_decisions(demand: Demand) -> dict:
    """Community staff: release a held demand; dispatch, dismiss or merge one not yet worked on."""
    status = demand.status
    seen = {"seen": status}
    forms: dict = {}
    if demand.held:
        forms["release"] = StepForm(formdata=None, data=seen)
    if status == SUBMITTED and not demand.held:
        forms["dispatch"] = DispatchForm(formdata=None, data={**seen, "project": demand.title})
    if status == SUBMITTED:
        forms["dismiss"] = ReasonForm(formdata=None, data=seen)
    if status in (SUBMITTED, DISPATCHED, ACCEPTED):
        merge = MergeForm(formdata=None, data=seen)
        merge.into.choices = dict(reports.merge_candidates(demand))
        if merge.into.choices:
            forms["merge"] = merge
    return forms


def decisions(staff, demand: Demand) -> dict:
    """The forms the demand's status allows this viewer (name -> blank form)."""
    if allows(staff, FULFIL):
        return org_decisions(demand)
    forms = community_decisions(demand) if allows(staff, DISPATCH) else {}
    status = demand.status
    if allows(staff, SUPERVISE) and status in (DISPATCHED, ACCEPTED, DONE):
        forms["supervise"] = SuperviseForm(formdata=None, data={"seen": status})
    if allows(staff, VERIFY) and status == DONE:
        forms["verify"] = NoteForm(formdata=None, data={"seen": status})
        forms["send_back"] = ReasonForm(formdata=None, data={"seen": status})
    return forms


@bp.get("/demands/<id:demand_id>")
@login_required
def demand_detail(demand_id):
    """The demand's four facts, its resident masked, photos and evidence, its timeline and the decisions
    open to the viewer."""
    staff = current_staff()
    demand = load_for_viewer(staff, demand_id)
    forms = decisions(staff, demand)
    return render_template(
        "admin/demands/demand.html",
        d=demand,
        forms=forms,
        organisations=reports.organisation_options(demand.community_id) if "dispatch" in forms else None,
        photos=[f for f in demand.files if f.kind == PHOTO],
        evidence=[f for f in demand.files if f.kind == EVIDENCE],
        step_names=STEP_NAMES,
        stage=reports.COLUMNS[reports.column_of(demand.status)],
        overdue=reports.is_overdue(demand),
        categories=CATEGORIES,
        image_types=IMAGE_TYPES,
        org_view=allows(staff, FULFIL),
        today=local(now()).date(),
    )


@bp.get("/demands/<id:demand_id>/files/<id:upload_id>")
@login_required
def demand_file(demand_id, upload_id):
    """A photo or evidence file of the demand, to staff of its community or its organisation's workers:
    an image inline, anything else as a download; never sniffed, never cached by others."""
    demand = load_for_viewer(current_staff(), demand_id)
    upload = load_attached_upload(DemandFile.demand_id, demand.id, upload_id)
    return show(upload)


def back(demand: Demand) -> str:
    return url_for("admin.demand_detail", demand_id=demand.id)


def still_at(demand: Demand, seen: str | None) -> None:
    """A decision whose operation takes no ``seen``: the page must show the status it is at."""
    if seen != demand.status:
        raise DemandWrongStep(details={"status": demand.status})


def decide(demand_id: int, form_class, act, done: str, right: str):
    """Load the demand (403 without ``right``, 404 outside), check the form, run the decision with the
    status the page showed; a refusal (a stale page: DEMAND_WRONG_STEP) is flashed and changes nothing."""
    staff = require(current_staff(), right)
    demand = (
        queries.load_org_demand(staff, demand_id) if right == FULFIL else load_for_viewer(staff, demand_id)
    )
    form = form_class()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(back(demand))
    seen = (form.seen.data or None) if hasattr(form, "seen") else None
    return attempt(lambda: act(staff, demand, form, seen), back(demand), done.format(title=demand.title))


@bp.post("/demands/<id:demand_id>/release")
@login_required
def demand_release(demand_id):
    def act(staff, demand, form, seen):
        still_at(demand, seen)
        operations.release(staff, demand)

    return decide(demand_id, StepForm, act, "诉求“{title}”已通过内容审核", DISPATCH)


@bp.post("/demands/<id:demand_id>/dispatch")
@login_required
def demand_dispatch(demand_id):
    return decide(
        demand_id,
        DispatchForm,
        lambda s, d, f, seen: operations.dispatch(
            s,
            d,
            organisation_id=optional_int(f.organisation_id.data) or 0,
            deadline=f.deadline.data,
            funding_source=f.funding_source.data,
            responsible_member=f.responsible_member.data,
            project=f.project.data or "",
            seen=seen,
        ),
        "诉求“{title}”已下单",
        DISPATCH,
    )


@bp.post("/demands/<id:demand_id>/dismiss")
@login_required
def demand_dismiss(demand_id):
    return decide(
        demand_id,
        ReasonForm,
        lambda s, d, f, seen: operations.dismiss(s, d, f.reason.data, seen=seen),
        "诉求“{title}”不予受理",
        DISPATCH,
    )


@bp.post("/demands/<id:demand_id>/merge")
@login_required
def demand_merge(demand_id):
    def act(staff, demand, form, seen):
        still_at(demand, seen)
        into = queries.load_staff_demand(staff, form.into.data)
        operations.merge(staff, demand, into)

    return decide(demand_id, MergeForm, act, "诉求“{title}”已合并", DISPATCH)


@bp.post("/demands/<id:demand_id>/supervise")
@login_required
def demand_supervise(demand_id):
    def act(staff, demand, form, seen):
        still_at(demand, seen)
        operations.supervise(staff, demand, form.comment.data)

    return decide(demand_id, SuperviseForm, act, "已记录督办意见", SUPERVISE)


@bp.post("/demands/<id:demand_id>/verify")
@login_required
def demand_verify(demand_id):
    return decide(
        demand_id,
        NoteForm,
        lambda s, d, f, seen: operations.verify(s, d, f.note.data or "", seen=seen),
        "诉求“{title}”已验单",
        VERIFY,
    )


@bp.post("/demands/<id:demand_id>/send-back")
@login_required
def demand_send_back(demand_id):
    return decide(
        demand_id,
        ReasonForm,
        lambda s, d, f, seen: operations.send_back(s, d, f.reason.data, seen=seen),
        "诉求“{title}”已退回重办",
        VERIFY,
    )


@bp.post("/demands/<id:demand_id>/accept")
@login_required
def demand_accept(demand_id):
    return decide(
        demand_id,
        StepForm,
        lambda s, d, f, seen: operations.accept(s, d, seen=seen),
        "已接单：{title}",
        FULFIL,
    )


@bp.post("/demands/<id:demand_id>/decline")
@login_required
def demand_decline(demand_id):
    return decide(
        demand_id,
        ReasonForm,
        lambda s, d, f, seen: operations.decline(s, d, f.reason.data, seen=seen),
        "已退单：{title}",
        FULFIL,
    )


@bp.post("/demands/<id:demand_id>/report-done")
@login_required
@accepts_files
def demand_report_done(demand_id):
    """报结 with a note and evidence files (images or PDFs), on a demand being worked on."""
    return decide(
        demand_id,
        DoneForm,
        lambda s, d, f, seen: operations.report_done(s, d, f.note.data, f.evidence.files(), seen=seen),
        "已报结：{title}",
        FULFIL,
    )


@bp.get("/pick/demand-organisations")
@login_required
def pick_demand_organisations():
    """Active organisations serving one community in scope (``community_id``; 404 outside) by name."""
    staff = require(current_staff(), DISPATCH)
    community = identity.load_community_in_scope(staff, optional_int(request.args.get("community_id")) or 0)
    return answer(reports.search_organisations(community.id, search_words()))


# -- the organisation's own demands ------------------------------------------------------------------------


@bp.get("/organisation/demands")
@login_required
def org_demands():
    """The demands dispatched to the worker's organisation by tab (待接单, 办理中, 待验单 ...), each with
    its count, the earliest deadline first."""
    staff = require(current_staff(), FULFIL)
    args = list_args(filters=("tab",))
    tab = args.get("tab") if args.get("tab") in reports.ORG_TABS else DISPATCHED
    return render_template(
        "admin/demands/org_demands.html",
        organisation=queries.organisation_of(staff),
        args=args,
        tab=tab,
        tabs=reports.ORG_TABS,
        counts=reports.org_counts(staff),
        page=reports.org_page(staff, tab, args.page),
        overdue=reports.is_overdue,
        categories=CATEGORIES,
    )


# -- 社会组织 ----------------------------------------------------------------------------------------------


@bp.get("/organisations")
@login_required
def organisations_list():
    """The organisations kept by the scope's communities: search by name, 备案号 or contact; filters by
    kind and community."""
    staff = require(current_staff(), MANAGE)
    args = list_args(filters=("kind", "community_id"))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    kind = args.get("kind") if args.get("kind") in ORGANISATION_KINDS else None
    return render_template(
        "admin/demands/organisations.html",
        page=reports.organisations_page(
            staff, q=args.q, kind=kind, community_id=chosen[0] if chosen else None, page=args.page
        ),
        args=args,
        choice=choice,
        chosen=chosen,
        filters=[("kind", "类型", list(ORGANISATION_KINDS.items())), *choice.filter()],
        kinds=ORGANISATION_KINDS,
        categories=CATEGORIES,
    )


def community_options(staff, organisation=None) -> list[tuple[int, str]]:
    """The communities an organisation may be kept by or serve: the scope's when they are few, else the
    street of the organisation's home community."""
    if community_choice(staff).picker:
        if organisation is None:
            return []
        street_id = organisation.community.street_id
        found = [c for c in identity.communities_in_scope(staff) if c.street_id == street_id]
    else:
        found = identity.communities_in_scope(staff)
    return [(c.id, c.name) for c in found]


def render_organisation(form, organisation=None, status=200):
    return render_template(
        "admin/demands/organisation.html",
        form=form,
        organisation=organisation,
        workers=reports.workers(organisation) if organisation else [],
        worker_form=WorkerForm(formdata=None),
    ), status


@bp.route("/organisations/new", methods=["GET", "POST"])
@login_required
def organisation_new():
    staff = require(current_staff(), MANAGE)
    form = OrganisationForm(data={"active": True})
    options = community_options(staff)
    form.community_id.choices = {"": "请选择社区", **dict(options)}
    form.communities.choices = dict(options)
    if staff.community_id and not form.is_submitted():
        form.community_id.data = staff.community_id
    if not form.validate_on_submit():
        return render_organisation(form, status=422 if form.errors else 200)
    if form.community_id.data is None:
        form.community_id.errors = ["请选择所属社区"]
        return render_organisation(form, status=422)
    try:
        organisation = organisations.create_organisation(staff, form.community_id.data, **form.fields())
    except AppError as error:
        flash_failure(error)
        return render_organisation(form, status=error.status)
    flash(f"已新建社会组织“{organisation.name}”", "info")
    return redirect(url_for("admin.organisation_edit", organisation_id=organisation.id))


@bp.route("/organisations/<id:organisation_id>", methods=["GET", "POST"])
@login_required
def organisation_edit(organisation_id):
    """An organisation's particulars, the communities it serves and its worker accounts."""
    staff = current_staff()
    organisation = organisations.load_organisation(staff, organisation_id)
    form = OrganisationForm(obj=organisation)
    options = community_options(staff, organisation)
    form.community_id.choices = {organisation.community_id: organisation.community.name}
    form.communities.choices = dict(options)
    if not form.is_submitted():
        form.communities.data = [c.id for c in reports.served_communities(organisation)]
    if not form.validate_on_submit():
        return render_organisation(form, organisation, status=422 if form.errors else 200)
    try:
        organisations.update_organisation(staff, organisation, **form.fields())
    except AppError as error:
        flash_failure(error)
        return render_organisation(form, organisation, status=error.status)
    flash(f"已保存社会组织“{organisation.name}”", "info")
    return redirect(url_for("admin.organisation_edit", organisation_id=organisation.id))


@bp.post("/organisations/<id:organisation_id>/workers")
@login_required
def organisation_add_worker(organisation_id):
    """A worker account for the organisation with the initial password the admin sets (as on 工作人员)."""
    staff = current_staff()
    organisation = organisations.load_organisation(staff, organisation_id)
    form = WorkerForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(url_for("admin.organisation_edit", organisation_id=organisation.id))
    return attempt(
        lambda: organisations.add_worker(
            staff, organisation, form.username.data, form.display_name.data, form.password.data
        ),
        url_for("admin.organisation_edit", organisation_id=organisation.id),
        f"已为“{organisation.name}”添加工作人员 {form.username.data}，请将初始密码告知本人",
    )


# -- 留言信箱 ----------------------------------------------------------------------------------------------


@bp.get("/messages")
@login_required
def message_inbox():
    """建言献策 and 信箱留言 to the scope's communities by status (待回复 oldest first) with each tab's
    count; held ones marked; search by content; filters by kind and community."""
    staff = require(current_staff(), REPLY)
    args = list_args(filters=("status", "kind", "community_id"))
    status = args.get("status") if args.get("status") in STATUS_NAMES else WAITING
    kind = args.get("kind") if args.get("kind") in KINDS else None
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    wanted = {"q": args.q, "kind": kind, "community_id": chosen[0] if chosen else None}
    return render_template(
        "admin/demands/messages.html",
        page=message_reports.inbox_page(staff, status, page=args.page, **wanted),
        counts=message_reports.status_counts(staff, **wanted),
        statuses=STATUS_NAMES,
        status=status,
        args=args,
        choice=choice,
        chosen=chosen,
        filters=[("kind", "类型", list(KINDS.items())), *choice.filter()],
    )


@bp.get("/messages/<id:message_id>")
@login_required
def message_detail(message_id):
    message = message_queries.load_staff_message(current_staff(), message_id)
    publishable = (
        message.kind == SUGGESTION
        and message.publish_consent
        and message.status == REPLIED
        and message.published_at is None
    )
    return render_template(
        "admin/demands/message.html",
        m=message,
        reply_form=ReplyForm(formdata=None) if message.status == WAITING else None,
        publish_form=PublishForm(formdata=None) if publishable else None,
    )


@bp.post("/messages/<id:message_id>/reply")
@login_required
def message_reply(message_id):
    staff = require(current_staff(), REPLY)
    message = message_queries.load_staff_message(staff, message_id)
    form = ReplyForm()
    target = url_for("admin.message_detail", message_id=message.id)
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(target)
    return attempt(
        lambda: messages.reply_to(staff, message, form.reply.data), target, "已回复，留言人将收到通知"
    )


@bp.post("/messages/<id:message_id>/publish")
@login_required
def message_publish(message_id):
    staff = require(current_staff(), REPLY)
    message = message_queries.load_staff_message(staff, message_id)
    target = url_for("admin.message_detail", message_id=message.id)
    if not PublishForm().validate():
        flash("页面已过期，请刷新后重试", "error")
        return redirect(target)
    return attempt(lambda: messages.publish(staff, message), target, "已公开该建言及答复")


# -- 点单统计 ----------------------------------------------------------------------------------------------


@bp.get("/demands/statistics")
@login_required
def demand_statistics():
    """Demands and messages per community (per street for the city) with a chart; filters by community
    and days."""
    staff = require(current_staff(), DISPATCH)
    args = list_args(filters=("community_id", "from", "to"))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    since, until = parse_day(args.get("from")), parse_day(args.get("to"))
    community_id = chosen[0] if chosen else None
    figures = reports.demand_statistics(staff, community_id, since, until)
    message_total, message_units = (
        message_reports.message_statistics(staff, community_id, since, until)
        if allows(staff, REPLY)
        else (None, [])
    )
    bars = [(f.name, f.collected) for f in figures.units]
    return render_template(
        "admin/demands/statistics.html",
        figures=figures,
        steps=reports.STEP_TIMES,
        message_total=message_total,
        message_units=message_units,
        args=args,
        choice=choice,
        chosen=chosen,
        since=since,
        until=until,
        chart=bar_chart(f"各{figures.by}收集诉求数", bars, unit="件") if bars else None,
    )
