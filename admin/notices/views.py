"""通知公告: notices of the staff member's communities, publishing, read statistics, withdrawal."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.charts import bar_chart
from admin.exports import export_response
from admin.forms import accepts_files, optional_int
from admin.notices.forms import NoticeForm, parse_attachments
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import Community, StaffAccount
from cloudplatform.identity.permissions import load_scoped, require
from cloudplatform.privacy import mask_name
from cloudplatform.service.notices import queries
from cloudplatform.service.notices.models import Notice
from cloudplatform.service.notices.operations import ACTION, export_unread, publish_notice, withdraw_notice
from cloudplatform.service.uploads.queries import download

PAGE_SIZE = 50
UNREAD_PAGE_SIZE = 100


def staff_and_notice(notice_id: int) -> tuple[StaffAccount, Notice]:
    staff = current_staff()
    return staff, load_scoped(Notice, notice_id, staff, ACTION)


@bp.get("/notices")
@login_required
def notices():
    staff = require(current_staff(), ACTION)
    items, next_cursor = queries.notices_page(staff, request.args.get("cursor"), PAGE_SIZE)
    return render_template(
        "admin/notices/list.html",
        items=items,
        names=identity.community_names({n.community_id for n in items}),
        next_cursor=next_cursor,
        audiences=queries.AUDIENCE_NAMES,
        statuses=queries.STATUS_NAMES,
        status_of=queries.status_of,
    )


def chosen_community(staff: StaffAccount) -> tuple[Community | None, list[Community]]:
    """The community the notice is for: the staff member's only one, or the one picked (in scope)."""
    if staff.community_id is not None:
        return staff.community, []
    community_id = optional_int(request.args.get("community_id"))
    if community_id is None:
        return None, identity.communities_in_scope(staff)
    return identity.load_community_in_scope(staff, community_id), []


@bp.route("/notices/new", methods=["GET", "POST"])
@accepts_files
@login_required
def notice_new():
    staff = require(current_staff(), ACTION)
    community, choices = chosen_community(staff)
    if community is None:
        return render_template("admin/notices/community.html", communities=choices)
    form = NoticeForm()
    form.offer(community)
    if form.validate_on_submit():
        try:
            notice = publish_notice(
                staff,
                community.id,
                form.title.data,
                form.body.data,
                form.audience.data,
                **form.targets(),
                pinned=form.pinned.data,
                publish_at=form.publish_at.data,
                expires_at=form.expires_at.data,
                attachments=parse_attachments(form.attachments.data),
                files=form.files.files(),
                push=form.push.data,
            )
        except AppError as error:
            flash_failure(error)
        else:
            when = "" if queries.status_of(notice) != queries.SCHEDULED else "，将按设定时间发布"
            flash(f"已发布通知“{notice.title}”{when}", "info")
            return redirect(url_for("admin.notices"))
    return render_template("admin/notices/new.html", form=form, community=community)


@bp.get("/notices/<id:notice_id>")
@login_required
def notice_detail(notice_id):
    """The notice, its read statistics by building, and who in its audience has not read it."""
    _, notice = staff_and_notice(notice_id)
    building_id = optional_int(request.args.get("building_id"))
    audience, read = queries.read_totals(notice)
    by_building = queries.reads_by_building(notice)
    unread, next_cursor = queries.unread_page(
        notice, building_id, request.args.get("cursor"), UNREAD_PAGE_SIZE
    )
    return render_template(
        "admin/notices/detail.html",
        notice=notice,
        community=identity.load_community(notice.community_id),
        author=queries.author_of(notice),
        targets=queries.target_names(notice),
        uploads=queries.notice_uploads(notice),
        audience_name=queries.AUDIENCE_NAMES[notice.audience],
        status=queries.status_of(notice),
        statuses=queries.STATUS_NAMES,
        audience_total=audience,
        read_total=read,
        by_building=by_building,
        read_chart=read_rate_chart(by_building),
        building_id=building_id,
        unread=unread,
        next_cursor=next_cursor,
    )


@bp.post("/notices/<id:notice_id>/withdraw")
@login_required
def notice_withdraw(notice_id):
    staff, notice = staff_and_notice(notice_id)
    try:
        withdraw_notice(staff, notice)
    except AppError as error:
        flash_failure(error)
    else:
        flash(f"已撤回通知“{notice.title}”", "info")
    return redirect(url_for("admin.notice_detail", notice_id=notice_id))


def read_rate_chart(by_building) -> str:
    """Bars of each building's read rate (per cent of its residents in the audience)."""
    bars = [(row.name, round(100 * row.read / row.audience) if row.audience else 0) for row in by_building]
    return bar_chart("各楼栋阅读率", bars, maximum=100, unit="%") if bars else ""


UNREAD_HEADERS = ["昵称", "楼栋", "房号"]


def unread_rows(unread) -> list[list]:
    """The unread list's cells as the detail page shows them (names masked)."""
    return [[mask_name(u.nickname) or "（未设置）", u.building or "", u.room or ""] for u in unread]


@bp.get("/notices/<id:notice_id>/unread.<any(csv, xlsx):fmt>")
@login_required
def notice_unread_export(notice_id, fmt):
    """The unread list (of one building, if picked) as CSV or Excel; recorded in the audit log."""
    staff, notice = staff_and_notice(notice_id)
    unread = export_unread(staff, notice, optional_int(request.args.get("building_id")), fmt)
    return export_response(fmt, f"未读名单-{notice.title}", UNREAD_HEADERS, unread_rows(unread))


@bp.get("/notices/<id:notice_id>/unread/print")
@login_required
def notice_unread_print(notice_id):
    """The unread list grouped by building, to print for going door to door; recorded like an export."""
    staff, notice = staff_and_notice(notice_id)
    unread = export_unread(staff, notice, optional_int(request.args.get("building_id")), "print")
    groups: dict[str, list] = {}
    for u in unread:
        groups.setdefault(u.building or "未登记楼栋", []).append(u)
    return render_template(
        "admin/notices/unread_print.html",
        notice=notice,
        community=identity.load_community(notice.community_id),
        groups=groups,
        total=len(unread),
    )


@bp.get("/notices/<id:notice_id>/attachments/<id:upload_id>")
@login_required
def notice_attachment(notice_id, upload_id):
    """An uploaded attachment of a notice in the staff member's scope, as a file to save."""
    _, notice = staff_and_notice(notice_id)
    return download(queries.load_notice_upload(notice, upload_id))
