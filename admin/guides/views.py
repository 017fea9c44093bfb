"""办事指南: staff write, search, publish and withdraw the procedure guides of their communities."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.forms import accepts_files, optional_int
from admin.guides.forms import GuideCreateForm, GuideForm
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import Community
from cloudplatform.identity.permissions import load_scoped, require
from cloudplatform.service.guides.models import Guide
from cloudplatform.service.guides.operations import (
    ACTION,
    FIELDS,
    create_guide,
    publish_guide,
    unpublish_guide,
    update_guide,
)
from cloudplatform.service.guides.queries import (
    bookables_of,
    categories_in_scope,
    guide_uploads,
    load_guide_upload,
    search_guides,
)
from cloudplatform.service.uploads.queries import download

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


def offer_bookables(form: GuideForm, community_id: int) -> None:
    form.bookable_id.choices = [("", "不关联预约")] + [
        (b.id, b.name if b.active else f"{b.name}（已停用）") for b in bookables_of(community_id)
    ]


def render_form(form: GuideForm, community: Community, guide: Guide | None, status: int = 200):
    staff = current_staff()
    categories = sorted(set(SUGGESTED_CATEGORIES) | set(categories_in_scope(staff)))
    return (
        render_template(
            "admin/guides/form.html",
            form=form,
            community=community,
            guide=guide,
            categories=categories,
            uploads=guide_uploads(guide) if guide else [],
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
        "admin/guides/list.html",
        items=items,
        next_cursor=next_cursor,
        q=q,
        category=category,
        categories=categories_in_scope(staff),
        names=identity.community_names({g.community_id for g in items}),
    )


@bp.route("/guides/new", methods=["GET", "POST"])
@accepts_files
@login_required
def guide_new():
    """Write a guide for one community: chosen by ``community_id``, or the only one in scope."""
    staff = require(current_staff(), ACTION)
    community_id = optional_int(request.args.get("community_id"))
    if community_id is None:
        communities = identity.communities_in_scope(staff)
        if len(communities) != 1:
            return render_template("admin/guides/community.html", communities=communities)
        community_id = communities[0].id
    community = identity.load_community_in_scope(staff, community_id)
    form = GuideCreateForm()
    offer_bookables(form, community_id)
    if form.validate_on_submit():
        try:
            guide = create_guide(
                staff,
                community_id,
                published=form.published.data,
                files=form.files.files(),
                **form.guide_fields(),
            )
        except AppError as error:
            flash_failure(error)
            return render_form(form, community, None, error.status)
        flash(f"已保存办事指南“{guide.title}”" + ("并发布" if guide.published else "（未发布）"), "info")
        return redirect(url_for("admin.guides"))
    return render_form(form, community, None, 422 if form.errors else 200)


@bp.route("/guides/<id:guide_id>/edit", methods=["GET", "POST"])
@accepts_files
@login_required
def guide_edit(guide_id):
    staff = current_staff()
    guide = load_scoped(Guide, guide_id, staff, ACTION)
    community = identity.load_community(guide.community_id)
    if request.method == "POST":
        form = GuideForm()
    else:
        form = GuideForm(
            data={**{n: getattr(guide, n) for n in FIELDS}, "materials": "\n".join(guide.materials)}
        )
    offer_bookables(form, guide.community_id)
    if form.validate_on_submit():
        try:
            update_guide(staff, guide, files=form.files.files(), **form.guide_fields())
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


@bp.get("/guides/<id:guide_id>/attachments/<id:upload_id>")
@login_required
def guide_attachment(guide_id, upload_id):
    """A file attached to a guide in the staff member's scope (published or not), as a file to save."""
    guide = load_scoped(Guide, guide_id, current_staff(), ACTION)
    return download(load_guide_upload(guide, upload_id))
