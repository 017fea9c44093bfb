"""通知公告: notices of the staff member's communities, publishing, read statistics, withdrawal."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.charts import bar_chart
from admin.exports import export_response
from admin.forms import accepts_files, optional_int
from admin.lists import list_args
from admin.notices.forms import BroadcastForm, NoticeForm
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import CITY_ADMIN, Community, StaffAccount
from cloudplatform.identity.permissions import load_scoped, require
from cloudplatform.privacy import mask_name
from cloudplatform.service.notices import queries
from cloudplatform.service.notices.models import CITY, STREET, Notice
from cloudplatform.service.notices.operations import (
    ACTION,
    export_unread,
    publish_broadcast,
    publish_notice,
    withdraw_broadcast,
    withdraw_notice,
)
from cloudplatform.service.uploads.queries import download

PAGE_SIZE = 50
UNREAD_PAGE_SIZE = 100


def staff_and_notice(notice_id: int) -> tuple[StaffAccount, Notice]:
    staff = current_staff()
    return staff, load_scoped(Notice, notice_id, staff, ACTION)


@bp.get("/notices")
@login_required
def notices():
    """The notices in scope: search by title, filter by status, audience, community and kind, sort by
    publish time or reads; a street's or the city's notice is one row for street and city admins."""
    staff = require(current_staff(), ACTION)
    args = list_args(sorts=queries.LIST_SORTS, filters=("status", "audience", "community_id", "kind"))
    wide = staff.community_id is None
    community_id = args.get_int("community_id") if wide else None
    page = queries.notices_list(
        staff,
        q=args.q,
        status=args.get("status") or None,
        audience=args.get("audience") or None,
        community_id=community_id,
        kind=args.get("kind") or None,
        sort=args.sort,
        page=args.page,
        per_page=PAGE_SIZE,
    )
    names = identity.community_names({r.notice.community_id for r in page.items} | {community_id})
    return render_template(
        "admin/notices/list.html",
        page=page,
        args=args,
        wide=wide,
        names=names,
        community_id=community_id,
        audiences=queries.AUDIENCE_NAMES,
        statuses=queries.STATUS_NAMES,
        kinds=queries.KIND_NAMES,
        scopes=queries.SCOPE_NAMES,
        status_of=queries.status_of,
    )


def chosen_community(staff: StaffAccount) -> Community | None:
    """The community the notice is for: the staff member's only one, or the one picked (in scope)."""
    if staff.community_id is not None:
        return staff.community
    community_id = optional_int(request.args.get("community_id"))
    if community_id is None:
        return None
    return identity.load_community_in_scope(staff, community_id)


@bp.route("/notices/new", methods=["GET", "POST"])
@accepts_files
@login_required
def notice_new():
    staff = require(current_staff(), ACTION)
    scope = request.args.get("scope", "")
    if scope in (STREET, CITY):  # a community's staff are refused (403) there
        return broadcast_new(staff, scope)
    community = chosen_community(staff)
    if community is None:
        return render_template(
            "admin/notices/community.html",
            streets=queries.broadcast_streets(staff),
            city=staff.role == CITY_ADMIN,
            missing=scope == "community",
        )
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
                **form.publishing(),
                files=form.files.files(),
            )
        except AppError as error:
            flash_failure(error)
        else:
            when = "" if queries.status_of(notice) != queries.SCHEDULED else "，将按设定时间发布"
            flash(f"已发布通知“{notice.title}”{when}", "info")
            return redirect(url_for("admin.notices"))
    return render_template(
        "admin/notices/new.html",
        form=form,
        heading=community.name,
        action=url_for("admin.notice_new", community_id=community.id),
    )


def broadcast_new(staff: StaffAccount, scope: str):
    """The form of a street's or the city's notice (403 for a street admin naming the city, 404 for
    another street), and its publishing."""
    street_id = optional_int(request.args.get("street_id")) if scope == STREET else None
    if scope == STREET and street_id is None:
        street_id = staff.street_id
    communities = len(queries.broadcast_communities(staff, scope, street_id))
    place = queries.street_name(street_id) if scope == STREET else "全市"
    form = BroadcastForm()
    form.offer_broadcast()
    if form.validate_on_submit():
        try:
            broadcast = publish_broadcast(
                staff,
                scope,
                street_id,
                form.title.data,
                form.body.data,
                form.audience.data,
                **form.publishing(),
            )
        except AppError as error:
            flash_failure(error)
        else:
            flash(f"已向{place} {communities} 个社区发布通知“{broadcast.title}”", "info")
            return redirect(url_for("admin.notices"))
    return render_template(
        "admin/notices/new.html",
        form=form,
        heading=f"{queries.SCOPE_NAMES[scope]} · {place}（{communities} 个社区）",
        action=url_for("admin.notice_new", scope=scope, street_id=street_id),
    )


@bp.get("/notices/<id:notice_id>")
@login_required
def notice_detail(notice_id):
    """The notice, its read statistics by building, and who in its audience has not read it."""
    staff, notice = staff_and_notice(notice_id)
    args = list_args(filters=("building_id",))
    building_id = args.get_int("building_id")
    audience, read = queries.read_totals(notice)
    by_building = queries.reads_by_building(notice)
    unread = queries.unread_page(notice, building_id, args.page, UNREAD_PAGE_SIZE)
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
        read_chart=read_rate_chart("各楼栋阅读率", by_building),
        building_id=building_id,
        unread=unread,
        args=args,
        broadcast=queries.broadcast_of(notice),
        scopes=queries.SCOPE_NAMES,
        sees_broadcasts=queries.groups_broadcasts(staff),
    )


@bp.get("/notices/broadcasts/<id:broadcast_id>")
@login_required
def notice_broadcast(broadcast_id):
    """A street's or the city's notice: its copies in the staff member's communities and their read
    rates, each linking to the community's notice."""
    staff = current_staff()
    broadcast = queries.load_broadcast(staff, broadcast_id, ACTION)
    copies = queries.broadcast_copies(staff, broadcast)
    by_community = queries.reads_by_community(staff, broadcast)
    first = copies[0]
    return render_template(
        "admin/notices/broadcast.html",
        broadcast=broadcast,
        notice=first,
        scope_name=queries.SCOPE_NAMES[broadcast.scope],
        street=queries.street_name(broadcast.street_id),
        author=queries.author_of(first),
        audience_name=queries.AUDIENCE_NAMES[first.audience],
        status=queries.status_of(first),
        statuses=queries.STATUS_NAMES,
        by_community=by_community,
        audience_total=sum(r.audience for r in by_community),
        read_total=sum(r.read for r in by_community),
        read_chart=read_rate_chart("各社区阅读率", by_community),
        may_withdraw=queries.may_withdraw_broadcast(staff, broadcast),
    )


@bp.post("/notices/broadcasts/<id:broadcast_id>/withdraw")
@login_required
def notice_broadcast_withdraw(broadcast_id):
    staff = current_staff()
    broadcast = queries.load_broadcast(staff, broadcast_id, ACTION)
    try:
        withdraw_broadcast(staff, broadcast)
    except AppError as error:
        flash_failure(error)
    else:
        flash(f"已撤回通知“{broadcast.title}”（所有社区）", "info")
    return redirect(url_for("admin.notice_broadcast", broadcast_id=broadcast_id))


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


def read_rate_chart(title: str, rows) -> str:
    """Bars of each row's read rate (per cent of its audience): buildings of a notice, communities of a
    street's or the city's notice."""
    bars = [(row.name, round(100 * row.read / row.audience) if row.audience else 0) for row in rows]
    return bar_chart(title, bars, maximum=100, unit="%") if bars else ""


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
