"""办事指南: staff write, search, publish and withdraw the procedure guides of their communities."""

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.forms import accepts_files, optional_int
from admin.guides.forms import GuideCreateForm, GuideForm
from admin.lists import list_args
from admin.pickers import chosen_community, community_choice
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import Community
from cloudplatform.identity.permissions import load_scoped, require
from cloudplatform.pagination import CONSOLE_PAGE_SIZE
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
    GUIDE_SORTS,
    bookables_of,
    categories_in_scope,
    guide_uploads,
    guides_list,
    load_guide_upload,
)
from cloudplatform.service.uploads.queries import download

PAGE_SIZE = CONSOLE_PAGE_SIZE
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


GUIDE_STATES = {"published": True, "unpublished": False}  # the list's 状态 filter: 已发布 / 未发布


@bp.get("/guides")
@login_required
def guides():
    """Search (title, purpose, eligibility, materials), filters (``category``, ``status``, ``community_id``
    for staff of several communities), ``sort`` by update time or title, numbered ``page``s."""
    staff = require(current_staff(), ACTION)
    args = list_args(sorts=GUIDE_SORTS, filters=("category", "status", "community_id"))
    categories = categories_in_scope(staff)
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    category = args.get("category")
    page = guides_list(
        staff,
        q=args.q,
        category=category if category in categories else None,
        published=GUIDE_STATES.get(args.get("status")),
        community_id=chosen[0] if chosen else None,
        sort=args.sort,
        page=args.page,
        per_page=PAGE_SIZE,
    )
    filters = [
        ("category", "分类", [(c, c) for c in categories]),
        ("status", "状态", [("published", "已发布"), ("unpublished", "未发布")]),
        *choice.filter(),
    ]
    return render_template(
        "admin/guides/list.html",
        page=page,
        args=args,
        filters=filters,
        choice=choice,
        chosen=chosen,
        names=identity.community_names({g.community_id for g in page.items}),
    )


@bp.route("/guides/new", methods=["GET", "POST"])
@accepts_files
@login_required
def guide_new():
    """Write a guide for one community: chosen by ``community_id``, or the only one in scope."""
    staff = require(current_staff(), ACTION)
    community_id = optional_int(request.args.get("community_id"))
    if community_id is None:
        choice = community_choice(staff)
        if choice.only is None:
            return render_template("admin/guides/community.html", choice=choice)
        community_id = choice.only
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
