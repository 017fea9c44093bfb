"""党建云: 报到审核 (staff decide members' reports), 单位党组织 (units and their agreements) and 服务岗位
(posts, their claims and the months credited). Activities and unit reports: admin/party/activities.py."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.lists import list_args
from admin.party.forms import (
    ActiveForm,
    CreditForm,
    PostCreateForm,
    PostForm,
    RejectForm,
    RevokeForm,
    UnitCreateForm,
    UnitForm,
)
from admin.pickers import CommunityChoice, chosen_community, community_choice
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import require
from cloudplatform.party.members import operations, queries
from cloudplatform.party.models import (
    CLAIM_STATUS_NAMES,
    PENDING,
    REPORT_STATUS_NAMES,
    UNIT_KINDS,
    PartyReport,
    ServicePost,
)
from cloudplatform.privacy import mask_name

MANAGE = "party.manage"
ACTIVE_STATES = {"active": True, "inactive": False}
OPEN_STATES = {"open": True, "closed": False}


def community_options(staff: StaffAccount, choice: CommunityChoice) -> list[tuple]:
    """A new record's community select: the one community (chosen already) or the scope's few."""
    if choice.only is not None:
        return [(c.id, f"{c.name}（{c.street.name}）") for c in identity.communities_in_scope(staff)]
    return [("", "请选择社区"), *choice.options]


def new_form(form_class, staff: StaffAccount, choice: CommunityChoice, **data):
    form = form_class(data=data | ({"community_id": choice.only} if choice.only else {}))
    form.community_id.choices = community_options(staff, choice)
    return form


def chosen_for_form(staff: StaffAccount, choice: CommunityChoice, form):
    """The picker's text on a new record's form: the chosen community's name (if any)."""
    return chosen_community(staff, choice, form.community_id.data) if choice.picker else None


def attempt(operation, back: str, done: str):
    """Run one operation; flash its outcome in Chinese (a refusal undoes the request) and go ``back``."""
    try:
        operation()
    except AppError as error:
        flash_failure(error)
    else:
        flash(done, "info")
    return redirect(back)


# -- 报到审核 ---------------------------------------------------------------------------------------

REPORT_TABS = REPORT_STATUS_NAMES
PENDING_SORTS = ("created", "-created", "name", "-name", "unit", "-unit")  # the queue: oldest first
DECIDED_SORTS = ("-created", "created", "name", "-name", "unit", "-unit")


@bp.get("/party/reports")
@login_required
def party_reports():
    """One tab (by status, 待审核 first) of the reports in scope with each tab's count: search by the
    member's name or unit, a community filter for those serving several, sort by time, name or unit."""
    staff = require(current_staff(), MANAGE)
    status = request.args.get("status") if request.args.get("status") in REPORT_TABS else PENDING
    args = list_args(
        sorts=PENDING_SORTS if status == PENDING else DECIDED_SORTS, filters=("status", "community_id")
    )
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    community_id = chosen[0] if chosen else None
    page = queries.reports_list(
        staff, status, q=args.q, community_id=community_id, sort=args.sort, page=args.page
    )
    return render_template(
        "admin/party/reports.html",
        page=page,
        args=args,
        status=status,
        tabs=REPORT_TABS,
        counts=queries.report_status_counts(staff, q=args.q, community_id=community_id),
        choice=choice,
        chosen=chosen,
    )


@bp.get("/party/reports/<id:report_id>")
@login_required
def party_report(report_id):
    """A report in full (the real name) for its reviewer; opening it is recorded in the audit log."""
    report = operations.open_report(current_staff(), report_id)
    return render_template(
        "admin/party/report.html",
        report=report,
        tabs=REPORT_TABS,
        user=identity.user_labels([report.user_id]).get(report.user_id),
        reject_form=RejectForm(formdata=None),
        revoke_form=RevokeForm(formdata=None),
    )


def report_back(report: PartyReport) -> str:
    return url_for("admin.party_report", report_id=report.id)


@bp.post("/party/reports/<id:report_id>/approve")
@login_required
def party_report_approve(report_id):
    staff = current_staff()
    report = queries.load_staff_report(staff, report_id)
    who = mask_name(report.real_name)
    try:
        operations.decide_report(staff, report, True)
    except AppError as error:
        flash_failure(error)
        return redirect(report_back(report))
    flash(f"已通过 {who} 的报到", "info")
    return redirect(url_for("admin.party_reports"))


@bp.post("/party/reports/<id:report_id>/reject")
@login_required
def party_report_reject(report_id):
    staff = current_staff()
    report = queries.load_staff_report(staff, report_id)
    form = RejectForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(report_back(report))
    who = mask_name(report.real_name)
    try:
        operations.decide_report(staff, report, False, form.reason.data or "")
    except AppError as error:
        flash_failure(error)
        return redirect(report_back(report))
    flash(f"已驳回 {who} 的报到", "info")
    return redirect(url_for("admin.party_reports"))


@bp.post("/party/reports/<id:report_id>/revoke")
@login_required
def party_report_revoke(report_id):
    """End a waiting or approved report with a reason; the member loses the party member role."""
    staff = current_staff()
    report = queries.load_staff_report(staff, report_id)
    form = RevokeForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        return redirect(report_back(report))
    who = mask_name(report.real_name)
    return attempt(
        lambda: operations.revoke_report(staff, report, form.reason.data),
        report_back(report),
        f"已撤销 {who} 的报到",
    )


# -- 单位党组织 -------------------------------------------------------------------------------------


@bp.get("/party/units")
@login_required
def party_units():
    """Units kept by the staff member's communities: search by name, branch or contact; filters by
    community and state; sort by name or creation; each with its members reported."""
    staff = require(current_staff(), MANAGE)
    args = list_args(sorts=("name", "-name", "-created", "created"), filters=("community_id", "state"))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    page = queries.units_list(
        staff,
        q=args.q,
        community_id=chosen[0] if chosen else None,
        active=ACTIVE_STATES.get(args.get("state")),
        sort=args.sort,
        page=args.page,
    )
    filters = [*choice.filter(), ("state", "状态", [("active", "启用"), ("inactive", "停用")])]
    return render_template(
        "admin/party/units.html",
        page=page,
        args=args,
        filters=filters,
        choice=choice,
        chosen=chosen,
        kinds=UNIT_KINDS,
        members=queries.unit_member_counts([u.id for u in page.items]),
    )


def contact_user_refusal(form: UnitForm) -> str | None:
    """The picker's user must exist (the picker offers only users of the staff member's communities)."""
    user_id = form.fields()["contact_user_id"]
    if user_id is not None and identity.existing_user(user_id) is None:
        return "该微信用户不存在"
    return None


def render_unit_form(staff, form, *, unit=None, choice=None, status=200):
    """The unit's form: the communities it is open to as ticks (the scope's few and those linked now, or
    those linked now plus the picker to add one; a worker of one community sees them without ticks), its
    contact's WeChat user by name."""
    choice = choice or community_choice(staff)
    stored = queries.unit_community_ids(unit) if unit else []
    linked = form.chosen_community_ids() if form.is_submitted() and choice.offered else stored
    names = identity.community_names(set(linked) | set(stored))
    offered = dict(choice.options) | {i: names[i] for i in (*stored, *linked) if i in names}
    form.community_ids.choices = list(offered.items())
    form.community_ids.data = linked
    contact_id = form.fields()["contact_user_id"]
    contact = identity.user_labels([contact_id]).get(contact_id) if contact_id else None
    return render_template(
        "admin/party/unit_form.html",
        form=form,
        unit=unit,
        choice=choice,
        chosen=chosen_for_form(staff, choice, form) if unit is None else None,
        contact=contact,
        linked_names=[names[i] for i in stored if i in names],
    ), status


@bp.route("/party/units/new", methods=["GET", "POST"])
@login_required
def party_unit_new():
    staff = require(current_staff(), MANAGE)
    choice = community_choice(staff)
    form = new_form(UnitCreateForm, staff, choice, kind="stationed")
    if form.validate_on_submit():
        refusal = contact_user_refusal(form)
        if refusal:
            form.contact_user_id.errors = [refusal]
            return render_unit_form(staff, form, choice=choice, status=422)
        try:
            unit = operations.create_unit(
                staff, form.community_id.data, form.chosen_community_ids(), **form.fields()
            )
        except AppError as error:
            flash_failure(error)
            return render_unit_form(staff, form, choice=choice, status=error.status)
        flash(f"已登记单位党组织“{unit.name}”", "info")
        return redirect(url_for("admin.party_units"))
    return render_unit_form(staff, form, choice=choice, status=422 if form.errors else 200)


@bp.route("/party/units/<id:unit_id>/edit", methods=["GET", "POST"])
@login_required
def party_unit_edit(unit_id):
    staff = current_staff()
    unit = queries.load_staff_unit(staff, unit_id)
    choice = community_choice(staff)
    form = UnitForm(obj=unit)
    if not form.is_submitted():
        form.commitments.data = "\n".join(unit.commitments or [])
        form.contact_user_id.data = str(unit.contact_user_id or "")
    if form.validate_on_submit():
        refusal = contact_user_refusal(form)
        if refusal:
            form.contact_user_id.errors = [refusal]
            return render_unit_form(staff, form, unit=unit, choice=choice, status=422)
        # a worker of one community is offered no choice: the unit's communities stay as they are
        community_ids = form.chosen_community_ids() if choice.offered else None
        try:
            operations.update_unit(staff, unit, community_ids, **form.fields())
        except AppError as error:
            flash_failure(error)
            return render_unit_form(staff, form, unit=unit, choice=choice, status=error.status)
        flash(f"已保存单位党组织“{unit.name}”", "info")
        return redirect(url_for("admin.party_unit_edit", unit_id=unit.id))
    return render_unit_form(staff, form, unit=unit, choice=choice, status=422 if form.errors else 200)


@bp.post("/party/units/<id:unit_id>/active")
@login_required
def party_unit_active(unit_id):
    """Withdraw a unit (members can no longer pick it) or bring it back."""
    staff = current_staff()
    unit = queries.load_staff_unit(staff, unit_id)
    form = ActiveForm()
    active = form.active.data == "1"
    verdict = "启用" if active else "停用"
    return attempt(
        lambda: operations.set_unit_active(staff, unit, active),
        url_for("admin.party_units"),
        f"已{verdict}单位党组织“{unit.name}”",
    )


# -- 服务岗位 ---------------------------------------------------------------------------------------


@bp.get("/party/posts")
@login_required
def party_posts():
    """Posts of the staff member's communities: search by title or duties; filters by community and
    state (open for claims or closed); sort by start, title or end; each with its claims to confirm."""
    staff = require(current_staff(), MANAGE)
    args = list_args(
        sorts=("-starts", "starts", "title", "-title", "ends", "-ends"), filters=("community_id", "state")
    )
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    page = queries.posts_list(
        staff,
        q=args.q,
        community_id=chosen[0] if chosen else None,
        open_=OPEN_STATES.get(args.get("state")),
        sort=args.sort,
        page=args.page,
    )
    filters = [*choice.filter(), ("state", "状态", [("open", "认领中"), ("closed", "已停止")])]
    return render_template(
        "admin/party/posts.html",
        page=page,
        args=args,
        filters=filters,
        choice=choice,
        chosen=chosen,
        waiting=queries.waiting_claim_counts([p.id for p in page.items]),
        names=identity.community_names({p.community_id for p in page.items}),
    )


@bp.route("/party/posts/new", methods=["GET", "POST"])
@login_required
def party_post_new():
    staff = require(current_staff(), MANAGE)
    choice = community_choice(staff)
    form = new_form(PostCreateForm, staff, choice, headcount=1)
    if form.validate_on_submit():
        try:
            post = operations.create_post(staff, form.community_id.data, **form.fields())
        except AppError as error:
            flash_failure(error)
            return render_post_new(staff, form, choice, error.status)
        flash(f"已设立服务岗位“{post.title}”", "info")
        return redirect(url_for("admin.party_post", post_id=post.id))
    return render_post_new(staff, form, choice, 422 if form.errors else 200)


def render_post_new(staff, form, choice, status):
    return render_template(
        "admin/party/post_form.html",
        form=form,
        post=None,
        choice=choice,
        chosen=chosen_for_form(staff, choice, form),
    ), status


@bp.route("/party/posts/<id:post_id>", methods=["GET", "POST"])
@login_required
def party_post(post_id):
    """A post: its form (posted here), its claims with confirm / turn down, and each confirmed claim's
    months credited with the form to credit another."""
    staff = current_staff()
    post = queries.load_staff_post(staff, post_id)
    form = PostForm(obj=post)
    if form.validate_on_submit():
        operations.update_post(staff, post, **form.fields())
        flash(f"已保存服务岗位“{post.title}”", "info")
        return redirect(url_for("admin.party_post", post_id=post.id))
    return render_post(post, form=form, status=422 if form.errors else 200)


def render_post(post: ServicePost, *, form=None, credit_form=None, credit_claim=None, status=200):
    claims = queries.post_claims(post)
    return render_template(
        "admin/party/post.html",
        post=post,
        form=form or PostForm(formdata=None, obj=post),
        claims=claims,
        labels=identity.user_labels(c.user_id for c in claims),
        credits=queries.post_credits(post),
        statuses=CLAIM_STATUS_NAMES,
        credit_form=credit_form,
        credit_claim=credit_claim,
        blank_credit=CreditForm(formdata=None),
        community=identity.community_names({post.community_id}).get(post.community_id, ""),
    ), status


@bp.post("/party/posts/<id:post_id>/close")
@login_required
def party_post_close(post_id):
    staff = current_staff()
    post = queries.load_staff_post(staff, post_id)
    return attempt(
        lambda: operations.close_post(staff, post),
        url_for("admin.party_post", post_id=post.id),
        f"服务岗位“{post.title}”已停止认领",
    )


def claim_action(claim_id: int, confirm: bool):
    staff = current_staff()
    claim = queries.load_staff_claim(staff, claim_id)
    who = identity.user_labels([claim.user_id]).get(claim.user_id) or "已注销用户"
    verdict = "已确认" if confirm else "已释放"
    return attempt(
        lambda: operations.decide_claim(staff, claim, confirm),
        url_for("admin.party_post", post_id=claim.post_id),
        f"{verdict} {who} 的岗位认领",
    )


@bp.post("/party/claims/<id:claim_id>/confirm")
@login_required
def party_claim_confirm(claim_id):
    return claim_action(claim_id, True)


@bp.post("/party/claims/<id:claim_id>/release")
@login_required
def party_claim_release(claim_id):
    return claim_action(claim_id, False)


@bp.post("/party/claims/<id:claim_id>/credit")
@login_required
def party_claim_credit(claim_id):
    """Credit a month's minutes to a confirmed claim; a bad form is shown again on the post's page."""
    staff = current_staff()
    claim = queries.load_staff_claim(staff, claim_id)
    form = CreditForm()
    if not form.validate():
        post = queries.load_staff_post(staff, claim.post_id)
        return render_post(post, credit_form=form, credit_claim=claim.id, status=422)
    who = identity.user_labels([claim.user_id]).get(claim.user_id) or "已注销用户"
    return attempt(
        lambda: operations.credit_post_month(
            staff, claim, form.month.data, form.minutes.data, form.note.data or ""
        ),
        url_for("admin.party_post", post_id=claim.post_id),
        f"已为 {who} 记入 {form.month.data:%Y年%m月} 服务时长 {form.minutes.data} 分钟",
    )
