"""办事指南: staff write, search, publish and withdraw the procedure guides of their communities."""

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.forms import optional_int, printable_line, printable_text, strip
from admin.queries import communities_in_scope, community_names
from cloudplatform.errors import AppError, NotFound
from cloudplatform.extensions import db
from cloudplatform.identity.models import Community
from cloudplatform.identity.permissions import in_scope, load_scoped, require
from cloudplatform.routing import MAX_ID
from cloudplatform.service.guides.models import Guide
from cloudplatform.service.guides.operations import (
    ACTION,
    FIELDS,
    create_guide,
    publish_guide,
    unpublish_guide,
    update_guide,
)
from cloudplatform.service.guides.queries import bookables_of, categories_in_scope, search_guides

PAGE_SIZE = 50
MAX_QUERY = 50
SUGGESTED_CATEGORIES = [
    "老龄服务",
    "社会保障",
    "社会救助",
    "证明开具",
    "计划生育",
    "残疾人服务",
    "医疗保障",
    "场地预约",
]


class GuideForm(FlaskForm):
    """The guide's text; the bookable choices are the community's (the operation re-checks them)."""

    category = StringField(
        "分类",
        filters=[strip],
        validators=[DataRequired("请填写分类"), Length(max=32, message="分类不能超过 32 字"), printable_line],
    )
    title = StringField(
        "事项名称",
        filters=[strip],
        validators=[
            DataRequired("请填写事项名称"),
            Length(max=100, message="事项名称不能超过 100 字"),
            printable_line,
        ],
    )
    purpose = TextAreaField(
        "办理用途", filters=[strip], validators=[Length(max=2000, message="不能超过 2000 字"), printable_text]
    )
    eligibility = TextAreaField(
        "办理条件", filters=[strip], validators=[Length(max=2000, message="不能超过 2000 字"), printable_text]
    )
    materials = TextAreaField(
        "所需材料（每行一项）",
        filters=[strip],
        validators=[Length(max=3000, message="不能超过 3000 字"), printable_text],
    )
    location = StringField(
        "办理地点", filters=[strip], validators=[Length(max=128, message="不能超过 128 字"), printable_line]
    )
    hours = StringField(
        "办理时间", filters=[strip], validators=[Length(max=128, message="不能超过 128 字"), printable_line]
    )
    contact_name = StringField(
        "联系人", filters=[strip], validators=[Length(max=32, message="不能超过 32 字"), printable_line]
    )
    contact_phone = StringField(
        "联系电话",
        filters=[strip],
        validators=[
            Length(max=32, message="不能超过 32 个字符"),
            Regexp(r"^[0-9+\- ]*\Z", message="联系电话只能包含数字、空格、+ 和 -"),
        ],
    )
    bookable_id = SelectField("关联预约事项", coerce=optional_int, validate_choice=False)

    def guide_fields(self) -> dict:
        """The operation's keyword arguments: materials one per line, a field missing from the post empty."""
        fields = {name: getattr(self, name).data for name in FIELDS}
        fields.update({name: "" for name, value in fields.items() if value is None and name != "bookable_id"})
        fields["materials"] = [
            line.strip() for line in (self.materials.data or "").splitlines() if line.strip()
        ]
        return fields


class GuideCreateForm(GuideForm):
    published = BooleanField("保存后立即发布", default=True)


def offer_bookables(form: GuideForm, community_id: int) -> None:
    form.bookable_id.choices = [("", "不关联预约")] + [
        (b.id, b.name if b.active else f"{b.name}（已停用）") for b in bookables_of(community_id)
    ]


def render_form(form: GuideForm, community: Community, guide: Guide | None, status: int = 200):
    staff = current_staff()
    categories = sorted(set(SUGGESTED_CATEGORIES) | set(categories_in_scope(staff)))
    return (
        render_template(
            "admin/guide_form.html", form=form, community=community, guide=guide, categories=categories
        ),
        status,
    )


@bp.get("/guides")
@login_required
def guides():
    staff = require(current_staff(), ACTION)
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    category = request.args.get("category", "").strip()[:32]
    if not (q + category).isprintable():
        flash("搜索词不能包含控制字符", "error")
        q = category = ""
    items, next_cursor = search_guides(
        q, category=category or None, cursor=request.args.get("cursor"), limit=PAGE_SIZE, staff=staff
    )
    return render_template(
        "admin/guide_list.html",
        items=items,
        next_cursor=next_cursor,
        q=q,
        category=category,
        categories=categories_in_scope(staff),
        names=community_names({g.community_id for g in items}),
    )


@bp.route("/guides/new", methods=["GET", "POST"])
@login_required
def guide_new():
    """Write a guide for one community: chosen by ``community_id``, or the only one in scope."""
    staff = require(current_staff(), ACTION)
    community_id = optional_int(request.args.get("community_id"))
    if community_id is None:
        communities = communities_in_scope(staff)
        if len(communities) != 1:
            return render_template("admin/guide_community.html", communities=communities)
        community_id = communities[0].id
    community = db.session.get(Community, community_id) if 1 <= community_id <= MAX_ID else None
    if community is None or not in_scope(staff, community_id):
        raise NotFound("社区不存在")
    form = GuideCreateForm()
    offer_bookables(form, community_id)
    if form.validate_on_submit():
        try:
            guide = create_guide(staff, community_id, published=form.published.data, **form.guide_fields())
        except AppError as error:
            flash_failure(error)
            return render_form(form, community, None, error.status)
        flash(f"已保存办事指南“{guide.title}”" + ("并发布" if guide.published else "（未发布）"), "info")
        return redirect(url_for("admin.guides"))
    return render_form(form, community, None, 422 if form.errors else 200)


@bp.route("/guides/<id:guide_id>/edit", methods=["GET", "POST"])
@login_required
def guide_edit(guide_id):
    staff = current_staff()
    guide = load_scoped(Guide, guide_id, staff, ACTION)
    community = db.session.get(Community, guide.community_id)
    if request.method == "POST":
        form = GuideForm()
    else:
        form = GuideForm(
            data={**{n: getattr(guide, n) for n in FIELDS}, "materials": "\n".join(guide.materials)}
        )
    offer_bookables(form, guide.community_id)
    if form.validate_on_submit():
        try:
            update_guide(staff, guide, **form.guide_fields())
        except AppError as error:
            flash_failure(error)
            return render_form(form, community, guide, error.status)
        flash(f"已保存办事指南“{guide.title}”", "info")
        return redirect(url_for("admin.guides"))
    return render_form(form, community, guide, 422 if form.errors else 200)


@bp.post("/guides/<id:guide_id>/publish")
@login_required
def guide_publish(guide_id):
    staff = current_staff()
    guide = publish_guide(staff, load_scoped(Guide, guide_id, staff, ACTION))
    flash(f"已发布办事指南“{guide.title}”", "info")
    return redirect(url_for("admin.guides"))


@bp.post("/guides/<id:guide_id>/unpublish")
@login_required
def guide_unpublish(guide_id):
    staff = current_staff()
    guide = unpublish_guide(staff, load_scoped(Guide, guide_id, staff, ACTION))
    flash(f"已撤下办事指南“{guide.title}”，居民将看不到它", "info")
    return redirect(url_for("admin.guides"))
