"""居民认证 (staff review residency requests of their communities) and 工作人员 (console accounts
within the staff member's scope and rank)."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required, sign_in
from admin.exports import export_response
from admin.identity.forms import (
    GridsForm,
    LinkUserForm,
    PasswordChangeForm,
    PasswordResetForm,
    RejectForm,
    StaffCreateForm,
)
from admin.lists import list_args
from admin.pickers import chosen_community, community_choice
from cloudplatform.clock import local
from cloudplatform.errors import AppError, Forbidden, NotFound
from cloudplatform.identity import permissions, queries
from cloudplatform.identity.models import (
    APPROVED,
    GRID_WORKER,
    PENDING,
    REJECTED,
    ROLE_NAMES,
    STAFF_ROLES,
    ResidencyRequest,
    StaffAccount,
)
from cloudplatform.identity.operations import (
    assign_grids,
    change_own_password,
    create_staff_account,
    decide_residency,
    export_residency_requests,
    link_staff_to_user,
    open_residency_request,
    reset_staff_password,
    set_staff_active,
    unlock_staff_account,
)
from cloudplatform.identity.permissions import GRANTABLE, can_grant, load_scoped, require
from cloudplatform.privacy import mask_name
from cloudplatform.routing import MAX_ID

REVIEW, MANAGE = "residency.review", "staff.manage"
TABS = {PENDING: "待审核", APPROVED: "已通过", REJECTED: "已驳回"}
RESIDENCY_SORTS = ("-created", "created", "building", "-building")
STAFF_SORTS = ("-created", "created", "username", "-username", "role", "-role")
ACTIVE_FILTER = {"1": True, "0": False}

# -- 居民认证 ---------------------------------------------------------------------------------------


@bp.get("/residency")
@login_required
def residency_list():
    """One tab (by status) of the requests in scope: search by real name, building or room, a community
    filter for those serving several (a select, or the community picker beyond twenty: ``community_id``),
    sort by 申请时间 or 楼栋."""
    staff = require(current_staff(), REVIEW)
    args = list_args(sorts=RESIDENCY_SORTS, filters=("status", "community_id"))
    status = args.get("status") if args.get("status") in TABS else PENDING
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))  # anything else is ignored
    page = queries.residency_review_page(
        staff, status, q=args.q, community_id=chosen[0] if chosen else None, sort=args.sort, page=args.page
    )
    return render_template(
        "admin/identity/residency_list.html",
        page=page,
        args=args,
        status=status,
        tabs=TABS,
        choice=choice,
        chosen=chosen,
    )


def serves_one_community(staff: StaffAccount) -> bool:
    return staff.community_id is not None


RESIDENCY_HEADERS = ["编号", "申请时间", "姓名", "社区", "楼栋", "状态"]


@bp.get("/residency/export.<any(csv, xlsx):fmt>")
@login_required
def residency_export(fmt):
    """One tab of the list (by status) as CSV or Excel, names masked as listed; audited."""
    status = request.args.get("status") if request.args.get("status") in TABS else PENDING
    requests = export_residency_requests(current_staff(), status, fmt)
    rows = [
        [
            r.id,
            f"{local(r.created_at):%Y-%m-%d %H:%M:%S}",
            mask_name(r.real_name),
            r.community.name,
            r.building.name,
            TABS[r.status],
        ]
        for r in requests
    ]
    return export_response(fmt, f"居民认证-{TABS[status]}", RESIDENCY_HEADERS, rows)


@bp.get("/residency/<id:request_id>")
@login_required
def residency_detail(request_id):
    """The request in full for its reviewer; opening it is recorded in the audit log."""
    residency = open_residency_request(current_staff(), request_id)
    return render_template(
        "admin/identity/residency_detail.html",
        residency=residency,
        tabs=TABS,
        form=RejectForm(),
        user=queries.user_labels([residency.user_id]).get(residency.user_id),
    )


@bp.post("/residency/<id:request_id>/approve")
@login_required
def residency_approve(request_id):
    return decide(request_id, approve=True, reason="")


@bp.post("/residency/<id:request_id>/reject")
@login_required
def residency_reject(request_id):
    form = RejectForm()
    if not form.validate():
        load_scoped(ResidencyRequest, request_id, current_staff(), REVIEW)  # 403/404 before any hint
        flash(form.reason.errors[0], "error")
        return redirect(url_for("admin.residency_detail", request_id=request_id))
    return decide(request_id, approve=False, reason=form.reason.data or "")


def decide(request_id: int, *, approve: bool, reason: str):
    staff = current_staff()
    residency = load_scoped(ResidencyRequest, request_id, staff, REVIEW)
    try:
        decide_residency(staff, residency, approve, reason)
    except AppError as error:
        flash_failure(error)
        return redirect(url_for("admin.residency_detail", request_id=request_id))
    verdict = "已通过" if approve else "已驳回"
    flash(f"{verdict} {mask_name(residency.real_name)} 的居民认证申请", "info")
    return redirect(url_for("admin.residency_list"))


# -- 工作人员 ---------------------------------------------------------------------------------------


def load_managed(account_id: int) -> tuple[StaffAccount, StaffAccount]:
    """(the signed-in member, the account they manage): 404 outside the scope, 403 above the rank."""
    staff = current_staff()
    account = permissions.load_account(account_id, staff)
    if not can_grant(staff, account.role, account.community_id, account.street_id):
        raise Forbidden("无权管理该角色的账号")
    return staff, account


@bp.get("/staff")
@login_required
def staff_list():
    """The accounts in scope and rank: search by username or name, filter by role and 在职 / 停用 (and
    ``account``, one account: the audit log's link), sort by 用户名 or 角色; linked WeChat users by their
    masked names, and a user picker to link one."""
    staff = require(current_staff(), MANAGE)
    args = list_args(sorts=STAFF_SORTS, filters=("role", "active", "account"))
    account_id = args.get_int("account")
    page = queries.staff_accounts_page(
        staff,
        q=args.q,
        role=args.get("role") if args.get("role") in STAFF_ROLES else None,
        active=ACTIVE_FILTER.get(args.get("active")),
        account_id=account_id if account_id and 1 <= account_id <= MAX_ID else None,
        sort=args.sort,
        page=args.page,
    )
    return render_template(
        "admin/identity/staff_list.html",
        page=page,
        args=args,
        users=queries.user_labels(a.user_id for a in page.items),
        grids=queries.grid_names(a.id for a in page.items if a.role == GRID_WORKER),
        roles=[(r, ROLE_NAMES[r]) for r in STAFF_ROLES],
        link_form=LinkUserForm(),
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@login_required
def staff_create():
    staff = require(current_staff(), MANAGE)
    form = StaffCreateForm()
    form.role.choices = [(r, ROLE_NAMES[r]) for r in STAFF_ROLES if r in GRANTABLE.get(staff.role, ())]
    if serves_one_community(staff):
        form.community_id.choices = [("", "请选择社区")] + [
            (c.id, f"{c.name}（{c.street.name}）") for c in queries.communities_in_scope(staff)
        ]
    streets = queries.streets_grantable(staff)
    form.street_id.choices = [("", "请选择街道")] + [(s.id, s.name) for s in streets]
    if form.validate_on_submit():
        try:
            account = create_staff_account(
                staff,
                form.username.data,
                form.password.data,
                form.display_name.data,
                form.role.data,
                community_id=form.community_id.data,
                street_id=form.street_id.data,
            )
        except AppError as error:
            flash_failure(error)
        else:
            flash(f"已创建账号 {account.username}（{account.role_name}）", "info")
            return redirect(url_for("admin.staff_list"))
    chosen = form.community_id.data if not serves_one_community(staff) else None
    return render_template(
        "admin/identity/staff_new.html",
        form=form,
        with_streets=bool(streets),
        community_picker=not serves_one_community(staff),
        community_name=queries.community_names({chosen}).get(chosen or 0, ""),
    )


@bp.post("/staff/<id:account_id>/active")
@login_required
def staff_set_active(account_id):
    staff, account = load_managed(account_id)
    active = request.form.get("active") == "1"
    try:
        set_staff_active(staff, account, active)
    except AppError as error:
        flash_failure(error)
    else:
        flash(f"已{'启用' if active else '停用'}账号 {account.username}", "info")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<id:account_id>/unlock")
@login_required
def staff_unlock(account_id):
    """Let an account locked after repeated wrong passwords sign in again at once; audited."""
    staff, account = load_managed(account_id)
    unlock_staff_account(staff, account)
    flash(f"已解锁账号 {account.username}", "info")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<id:account_id>/link")
@login_required
def staff_link_user(account_id):
    staff, account = load_managed(account_id)
    form = LinkUserForm()
    if not form.validate():
        flash(form.user_id.errors[0], "error")
        return redirect(url_for("admin.staff_list"))
    user = queries.existing_user(int(form.user_id.data))
    if user is None:
        flash("该微信用户不存在", "error")
        return redirect(url_for("admin.staff_list"))
    try:
        link_staff_to_user(staff, account, user)
    except AppError as error:
        flash_failure(error)
    else:
        label = queries.user_labels([user.id]).get(user.id)
        flash(f"已将账号 {account.username} 关联到微信用户 {label or user.id}", "info")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<id:account_id>/unlink")
@login_required
def staff_unlink_user(account_id):
    staff, account = load_managed(account_id)
    link_staff_to_user(staff, account, None)
    flash(f"已解除账号 {account.username} 的微信关联", "info")
    return redirect(url_for("admin.staff_list"))


@bp.route("/staff/<id:account_id>/grids", methods=["GET", "POST"])
@login_required
def staff_grids(account_id):
    """The grids a grid worker looks after: their residency reviews and aid cases are those grids'."""
    staff, account = load_managed(account_id)
    if account.role != GRID_WORKER or account.community is None:
        raise NotFound()
    form = GridsForm()
    form.grid_ids.choices = [(g.id, g.name) for g in account.community.grids]
    if form.validate_on_submit():
        try:
            grids = assign_grids(staff, account, form.grid_ids.data or [])
        except AppError as error:
            flash_failure(error)
        else:
            chosen = "、".join(g.name for g in grids) or "全社区（未指定网格）"
            flash(f"{account.display_name} 负责的网格：{chosen}", "info")
            return redirect(url_for("admin.staff_list"))
    elif request.method == "GET":
        form.grid_ids.data = sorted(queries.assigned_grid_ids(account))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/identity/staff_grids.html", form=form, account=account), status


@bp.route("/staff/<id:account_id>/password", methods=["GET", "POST"])
@login_required
def staff_reset_password(account_id):
    """Set a temporary password; the account must change it at its next sign-in."""
    staff, account = load_managed(account_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            reset_staff_password(staff, account, form.password.data)
        except AppError as error:
            flash_failure(error)
        else:
            flash(f"已重置账号 {account.username} 的密码，对方下次登录时须设置新密码", "info")
            return redirect(url_for("admin.staff_list"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/identity/password_reset.html", form=form, account=account), status


# -- 修改密码: one's own ----------------------------------------------------------------------------


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    """Change one's own password (the only page open while a reset one must be replaced)."""
    staff = current_staff()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_own_password(staff, form.current_password.data, form.new_password.data)
        except AppError as error:
            flash_failure(error)
        else:
            sign_in(staff)  # the change ended every session of the account, this one too
            flash("密码已修改，下次登录请使用新密码", "info")
            return redirect(url_for("admin.dashboard"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/identity/password_change.html", form=form), status
