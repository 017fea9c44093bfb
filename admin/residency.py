"""居民认证: staff review residency requests of their communities."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.forms import RejectForm
from cloudplatform.errors import AppError
from cloudplatform.identity.models import APPROVED, PENDING, REJECTED, ResidencyRequest
from cloudplatform.identity.operations import decide_residency, open_residency_request
from cloudplatform.identity.permissions import load_scoped, require
from cloudplatform.identity.queries import residency_requests_page
from cloudplatform.privacy import mask_name

ACTION = "residency.review"
PAGE_SIZE = 50
TABS = {PENDING: "待审核", APPROVED: "已通过", REJECTED: "已驳回"}


@bp.get("/residency")
@login_required
def residency_list():
    staff = require(current_staff(), ACTION)
    status = request.args.get("status") if request.args.get("status") in TABS else PENDING
    items, next_cursor = residency_requests_page(staff, status, request.args.get("cursor"), PAGE_SIZE)
    return render_template(
        "admin/residency_list.html", items=items, status=status, tabs=TABS, next_cursor=next_cursor
    )


@bp.get("/residency/<id:request_id>")
@login_required
def residency_detail(request_id):
    """The request in full for its reviewer; opening it is recorded in the audit log."""
    residency = open_residency_request(current_staff(), request_id)
    return render_template("admin/residency_detail.html", residency=residency, tabs=TABS, form=RejectForm())


@bp.post("/residency/<id:request_id>/approve")
@login_required
def residency_approve(request_id):
    return decide(request_id, approve=True, reason="")


@bp.post("/residency/<id:request_id>/reject")
@login_required
def residency_reject(request_id):
    form = RejectForm()
    if not form.validate():
        load_scoped(ResidencyRequest, request_id, current_staff(), ACTION)  # 403/404 before any hint
        flash(form.reason.errors[0], "error")
        return redirect(url_for("admin.residency_detail", request_id=request_id))
    return decide(request_id, approve=False, reason=form.reason.data or "")


def decide(request_id: int, *, approve: bool, reason: str):
    staff = current_staff()
    residency = load_scoped(ResidencyRequest, request_id, staff, ACTION)
    try:
        decide_residency(staff, residency, approve, reason)
    except AppError as error:
        flash_failure(error)
        return redirect(url_for("admin.residency_detail", request_id=request_id))
    verdict = "已通过" if approve else "已驳回"
    flash(f"{verdict} {mask_name(residency.real_name)} 的居民认证申请", "info")
    return redirect(url_for("admin.residency_list"))
