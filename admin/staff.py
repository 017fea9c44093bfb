"""工作人员: console accounts within the staff member's scope and rank."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.forms import LinkUserForm, StaffCreateForm
from admin.queries import communities_in_scope, streets_grantable
from cloudplatform.errors import AppError, Forbidden
from cloudplatform.extensions import db
from cloudplatform.identity import permissions
from cloudplatform.identity.models import ROLE_NAMES, STAFF_ROLES, StaffAccount, User
from cloudplatform.identity.operations import create_staff_account, link_staff_to_user, set_staff_active
from cloudplatform.identity.permissions import GRANTABLE, account_filter, can_grant, require
from cloudplatform.pagination import keyset_page

ACTION = "staff.manage"
PAGE_SIZE = 50


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
    staff = require(current_staff(), ACTION)
    stmt = (
        sa.select(StaffAccount)
        .where(account_filter(staff))
        .options(sa.orm.joinedload(StaffAccount.community), sa.orm.joinedload(StaffAccount.street))
    )
    accounts, next_cursor = keyset_page(stmt, [StaffAccount.id], request.args.get("cursor"), PAGE_SIZE)
    return render_template(
        "admin/staff_list.html", accounts=accounts, next_cursor=next_cursor, link_form=LinkUserForm()
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@login_required
def staff_create():
    staff = require(current_staff(), ACTION)
    form = StaffCreateForm()
    form.role.choices = [(r, ROLE_NAMES[r]) for r in STAFF_ROLES if r in GRANTABLE.get(staff.role, ())]
    form.community_id.choices = [("", "请选择社区")] + [
        (c.id, f"{c.name}（{c.street.name}）") for c in communities_in_scope(staff)
    ]
    streets = streets_grantable(staff)
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
    return render_template("admin/staff_new.html", form=form, with_streets=bool(streets))


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


@bp.post("/staff/<id:account_id>/link")
@login_required
def staff_link_user(account_id):
    staff, account = load_managed(account_id)
    form = LinkUserForm()
    if not form.validate():
        flash(form.user_id.errors[0], "error")
        return redirect(url_for("admin.staff_list"))
    user = db.session.get(User, int(form.user_id.data))
    if user is None or user.deleted_at is not None:
        flash("该微信用户不存在", "error")
        return redirect(url_for("admin.staff_list"))
    try:
        link_staff_to_user(staff, account, user)
    except AppError as error:
        flash_failure(error)
    else:
        flash(f"已将账号 {account.username} 关联到微信用户 {user.id}", "info")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<id:account_id>/unlink")
@login_required
def staff_unlink_user(account_id):
    staff, account = load_managed(account_id)
    link_staff_to_user(staff, account, None)
    flash(f"已解除账号 {account.username} 的微信关联", "info")
    return redirect(url_for("admin.staff_list"))
