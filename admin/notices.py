"""通知公告: notices of the staff member's communities, publishing, read statistics, withdrawal."""

from datetime import datetime

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.forms import optional_int, strip
from admin.queries import communities_in_scope, community_names
from cloudplatform.clock import LOCAL_TZ
from cloudplatform.errors import AppError
from cloudplatform.extensions import db
from cloudplatform.identity.errors import CommunityNotFound
from cloudplatform.identity.models import Building, Community, Grid, StaffAccount
from cloudplatform.identity.permissions import in_scope, load_scoped, require, scope_filter
from cloudplatform.pagination import keyset_page
from cloudplatform.service.notices import queries
from cloudplatform.service.notices.models import BUILDINGS, GRIDS, Notice
from cloudplatform.service.notices.operations import ACTION, publish_notice, withdraw_notice

PAGE_SIZE = 50
UNREAD_PAGE_SIZE = 100
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


class LocalDateTimeField(StringField):
    """A datetime-local input read as Asia/Shanghai time; ``data`` is an aware datetime or None."""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        for fmt in LOCAL_FORMATS:
            try:
                self.data = datetime.strptime(text, fmt).replace(tzinfo=LOCAL_TZ)
                return
            except ValueError:
                continue
        raise ValueError("时间格式应为 年-月-日 时:分")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.astimezone(LOCAL_TZ).strftime(LOCAL_FORMATS[0]) if self.data else ""


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NoticeForm(FlaskForm):
    """Shape only; publish_notice decides audience, targets, times and attachments."""

    title = StringField(
        "标题",
        filters=[strip],
        validators=[DataRequired("请输入标题"), Length(max=100, message="标题不能超过 100 个字")],
    )
    body = TextAreaField(
        "正文",
        filters=[strip],
        validators=[DataRequired("请输入正文"), Length(max=10000, message="正文不能超过 10000 个字")],
    )
    audience = SelectField("通知对象", validate_choice=False)
    grid_ids = CheckboxesField("网格（按网格发布时选择）", coerce=optional_int, validate_choice=False)
    building_ids = CheckboxesField("楼栋（按楼栋发布时选择）", coerce=optional_int, validate_choice=False)
    pinned = BooleanField("置顶")
    publish_at = LocalDateTimeField("发布时间（北京时间；留空为立即发布）")
    expires_at = LocalDateTimeField("到期时间（北京时间；留空为长期有效）")
    attachments = TextAreaField(
        "附件（每行一个：名称|https 网址）", validators=[Length(max=5000, message="附件内容过长")]
    )
    push = BooleanField("同时推送微信订阅消息（仅发给订阅了通知的居民）")

    def offer(self, community: Community) -> None:
        """Audience choices, and the grids and buildings of the community the notice is for."""
        self.audience.choices = list(queries.AUDIENCE_NAMES.items())
        grids = sa.select(Grid).where(Grid.community_id == community.id).order_by(Grid.id)
        self.grid_ids.choices = [(g.id, g.name) for g in db.session.scalars(grids)]
        buildings = sa.select(Building).where(Building.community_id == community.id).order_by(Building.id)
        self.building_ids.choices = [(b.id, b.name) for b in db.session.scalars(buildings)]

    def targets(self) -> dict[str, list[int]]:
        """The grids or buildings ticked for the chosen audience; ticks under another audience are left."""
        field = {GRIDS: self.grid_ids, BUILDINGS: self.building_ids}.get(self.audience.data)
        if field is None:
            return {}
        return {field.name: [i for i in field.data if i is not None]}

    def validate_attachments(self, field):
        try:
            parse_attachments(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


def parse_attachments(text: str | None) -> list[dict[str, str]]:
    """Lines "名称|网址" → [{name, url}]; blank lines are skipped."""
    attachments = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        name, bar, url = line.partition("|")
        if not bar:
            raise ValueError(f"附件第 {number} 行应为“名称|网址”")
        attachments.append({"name": name.strip(), "url": url.strip()})
    return attachments


def staff_and_notice(notice_id: int) -> tuple[StaffAccount, Notice]:
    staff = current_staff()
    return staff, load_scoped(Notice, notice_id, staff, ACTION)


@bp.get("/notices")
@login_required
def notices():
    staff = require(current_staff(), ACTION)
    stmt = sa.select(Notice).where(scope_filter(staff, Notice.community_id))
    items, next_cursor = keyset_page(
        stmt, [Notice.publish_at, Notice.id], request.args.get("cursor"), PAGE_SIZE
    )
    return render_template(
        "admin/notice_list.html",
        items=items,
        names=community_names({n.community_id for n in items}),
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
        return None, communities_in_scope(staff)
    community = db.session.get(Community, community_id)
    if community is None or not in_scope(staff, community.id):
        raise CommunityNotFound()
    return community, []


@bp.route("/notices/new", methods=["GET", "POST"])
@login_required
def notice_new():
    staff = require(current_staff(), ACTION)
    community, choices = chosen_community(staff)
    if community is None:
        return render_template("admin/notice_community.html", communities=choices)
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
                push=form.push.data,
            )
        except AppError as error:
            flash_failure(error)
        else:
            when = "" if queries.status_of(notice) != queries.SCHEDULED else "，将按设定时间发布"
            flash(f"已发布通知“{notice.title}”{when}", "info")
            return redirect(url_for("admin.notices"))
    return render_template("admin/notice_new.html", form=form, community=community)


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
    author = db.session.get(StaffAccount, notice.created_by_id) if notice.created_by_id else None
    return render_template(
        "admin/notice_detail.html",
        notice=notice,
        community=db.session.get(Community, notice.community_id),
        author=author,
        targets=queries.target_names(notice),
        audience_name=queries.AUDIENCE_NAMES[notice.audience],
        status=queries.status_of(notice),
        statuses=queries.STATUS_NAMES,
        audience_total=audience,
        read_total=read,
        by_building=by_building,
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
