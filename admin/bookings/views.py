"""预约服务: staff set up bookable services, run the day's counter (核销) and lift booking suspensions."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.bookings.forms import (
    DEFAULTS,
    FIELDS,
    BookableCreateForm,
    BookableForm,
    CheckInForm,
    ClosureForm,
    HoursForm,
    format_hours,
    parse_day,
)
from admin.exports import export_response
from admin.forms import optional_int
from admin.lists import list_args
from admin.pickers import CommunityChoice, chosen_community, community_choice
from cloudplatform.clock import local, now
from cloudplatform.errors import AppError, NotFound
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import allows, load_scoped, require
from cloudplatform.pagination import CONSOLE_PAGE_SIZE
from cloudplatform.routing import MAX_ID
from cloudplatform.service.bookings import operations, queries
from cloudplatform.service.bookings.models import STATUS_NAMES, Bookable, Booking, BookingSuspension, Slot

MANAGE, CHECKIN = "booking.manage", "booking.checkin"
PAGE_SIZE = CONSOLE_PAGE_SIZE
MAX_SERVICES = 500  # in the day view's picker


YES_NO = {"yes": True, "no": False}
ACTIVE_STATES = {"active": True, "inactive": False}


@bp.get("/bookables")
@login_required
def bookables():
    """Search by name, filters (``community_id`` for staff of several communities, ``approval`` yes/no,
    ``state`` active/inactive), ``sort`` by name or creation, numbered ``page``s."""
    staff = require(current_staff(), MANAGE)
    args = list_args(
        sorts=("name", "-name", "-created", "created"), filters=("community_id", "approval", "state")
    )
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    page = queries.bookables_list(
        staff,
        q=args.q,
        community_id=chosen[0] if chosen else None,
        requires_approval=YES_NO.get(args.get("approval")),
        active=ACTIVE_STATES.get(args.get("state")),
        sort=args.sort,
        page=args.page,
        per_page=PAGE_SIZE,
    )
    filters = [
        *choice.filter(),
        ("approval", "需审核", [("yes", "需审核"), ("no", "无需审核")]),
        ("state", "状态", [("active", "启用"), ("inactive", "停用")]),
    ]
    return render_template(
        "admin/bookings/services.html", page=page, args=args, filters=filters, choice=choice, chosen=chosen
    )


def render_new(staff: StaffAccount, form: BookableCreateForm, choice: CommunityChoice, status: int = 200):
    """The new service's form; for the picker, its text is the chosen community's name (if any)."""
    chosen = chosen_community(staff, choice, form.community_id.data) if choice.picker else None
    return render_template(
        "admin/bookings/service_form.html", form=form, bookable=None, choice=choice, chosen=chosen
    ), status


@bp.route("/bookables/new", methods=["GET", "POST"])
@login_required
def bookable_new():
    """A new service of a community in scope: the only one, a select's option, or the picker's choice
    (street and city admins with more than ``SELECT_LIMIT`` communities)."""
    staff = require(current_staff(), MANAGE)
    choice = community_choice(staff)
    form = BookableCreateForm(data=DEFAULTS | ({"community_id": choice.only} if choice.only else {}))
    options = choice.options
    if choice.only is not None:  # a select of the one community, chosen already
        options = [(c.id, f"{c.name}（{c.street.name}）") for c in identity.communities_in_scope(staff)]
    form.community_id.choices = [("", "请选择社区"), *options]
    if form.validate_on_submit():
        try:
            bookable = operations.create_bookable(
                staff, form.community_id.data, **{name: form[name].data for name in FIELDS}
            )
        except AppError as error:
            flash_failure(error)
            return render_new(staff, form, choice, error.status)
        flash(f"已创建预约事项“{bookable.name}”，请设置开放时间", "info")
        return redirect(url_for("admin.bookable_edit", bookable_id=bookable.id))
    return render_new(staff, form, choice, 422 if form.errors else 200)


@bp.route("/bookables/<id:bookable_id>/edit", methods=["GET", "POST"])
@login_required
def bookable_edit(bookable_id):
    """The edit page and its three forms (rules; ``?part=hours``; ``?part=closures``), all posted to
    this address, so a refused one is shown again here and the address stays one to open."""
    staff = current_staff()
    bookable = load_scoped(Bookable, bookable_id, staff, MANAGE)
    part = request.args.get("part") if request.method == "POST" else None
    if part == "hours":
        return save_hours(staff, bookable)
    if part == "closures":
        return save_closure(staff, bookable)
    form = BookableForm(obj=bookable)
    if form.validate_on_submit():
        changed = {name: form[name].data for name in FIELDS if form[name].data != getattr(bookable, name)}
        if changed:
            operations.update_bookable(staff, bookable, **changed)
            flash(f"已保存预约事项“{bookable.name}”", "info")
        else:
            flash("没有需要保存的修改", "info")
        return redirect(url_for("admin.bookable_edit", bookable_id=bookable.id))
    return render_edit(bookable, form=form, status=422 if form.errors else 200)


def save_hours(staff, bookable: Bookable):
    """Replace the weekly opening hours; future free slots follow."""
    form = HoursForm(slot_minutes=bookable.slot_minutes)
    if not form.validate():
        return render_edit(bookable, hours_form=form, status=422)
    operations.set_opening_hours(staff, bookable, form.periods)
    upcoming = queries.upcoming_slot_count(bookable)
    flash(f"已保存开放时间，现有 {upcoming} 个未开始的预约时段", "info")
    return redirect(url_for("admin.bookable_edit", bookable_id=bookable.id))


def save_closure(staff, bookable: Bookable):
    """Close the service for a day: its bookings are cancelled and the residents told."""
    form = ClosureForm()
    if not form.validate():
        return render_edit(bookable, closure_form=form, status=422)
    cancelled = operations.add_closure(staff, bookable, form.day.data, form.reason.data)
    told = "，已通知预约的居民" if cancelled else ""
    flash(f"已设置 {form.day.data} 暂停服务（{form.reason.data}），取消了 {cancelled} 个预约{told}", "info")
    return redirect(url_for("admin.bookable_edit", bookable_id=bookable.id))


def render_edit(bookable: Bookable, *, form=None, hours_form=None, closure_form=None, status=200):
    """The edit page: rules, weekly hours, and the closures from today on with what each cancelled."""
    today = local(now()).date()
    return render_template(
        "admin/bookings/service_form.html",
        bookable=bookable,
        form=form or BookableForm(formdata=None, obj=bookable),
        hours_form=hours_form
        or HoursForm(
            formdata=None, data={"hours": format_hours(bookable.hours)}, slot_minutes=bookable.slot_minutes
        ),
        closure_form=closure_form or ClosureForm(formdata=None),
        closures=queries.closures_from(bookable, today),
        today=today,
    ), status


# -- 预约日程: the day at the counter ---------------------------------------------------------------


@dataclass
class SlotRow:
    slot: Slot
    starts: str  # local HH:MM
    ends: str
    bookings: list[Booking] = field(default_factory=list)


@bp.get("/bookings/day")
@login_required
def booking_day():
    """One service's slots of one local day with their bookings, in a fixed number of statements; ``status``
    and ``q`` (the resident's name) narrow the bookings shown, the day's total stays."""
    staff = require(current_staff(), CHECKIN)
    services = queries.bookables_in_scope(staff, MAX_SERVICES)
    today = local(now()).date()
    day = parse_day(request.args["date"]) if request.args.get("date") else today
    if day is None:
        flash("日期格式应为 年-月-日，已显示今天", "error")
        day = today
    if "bookable_id" in request.args:
        bookable_id = optional_int(request.args["bookable_id"])
        if bookable_id is None or not 1 <= bookable_id <= MAX_ID:
            raise NotFound("预约事项不存在")
        bookable = load_scoped(Bookable, bookable_id, staff, CHECKIN)
    else:
        bookable = services[0] if services else None
    args = list_args(filters=("status",))
    status = args.get("status") if args.get("status") in STATUS_NAMES else None
    narrowed = bool(status or args.q)
    rows, bookings, counts = [], [], {}
    if bookable is not None:
        rows, bookings = day_rows(bookable, day, status=status, q=args.q)
        counts = queries.day_status_counts(bookable, day) if narrowed else Counter(b.status for b in bookings)
        if narrowed:
            rows = [row for row in rows if row.bookings]
    return render_template(
        "admin/bookings/day.html",
        services=services,
        bookable=bookable,
        day=day,
        today=today,
        days=(day - timedelta(days=1), day + timedelta(days=1)),
        rows=rows,
        args=args,
        status=status,
        narrowed=narrowed,
        shown=len(bookings),
        counts=counts,
        labels=identity.user_labels(b.user_id for b in bookings),
        status_names=STATUS_NAMES,
        may_decide=allows(staff, MANAGE),
        form=CheckInForm(formdata=None),
        check_in_early=int(operations.CHECK_IN_EARLY.total_seconds() // 60),
    )


def day_rows(bookable: Bookable, day: date, **narrow) -> tuple[list[SlotRow], list[Booking]]:
    """The day's slots (closed ones too), each with its bookings (``narrow``: ``queries.day_bookings``'
    status and name), and those bookings: two statements."""
    rows = {
        slot.id: SlotRow(slot, local(slot.starts_at).strftime("%H:%M"), local(slot.ends_at).strftime("%H:%M"))
        for slot in queries.slots_of_day(bookable, day)
    }
    bookings = queries.day_bookings(bookable, day, **narrow)
    for booking in bookings:
        rows[booking.slot_id].bookings.append(booking)
    return list(rows.values()), bookings


def resident(labels: dict, user_id: int) -> str:
    """A booking's resident as the console shows them: masked name and building."""
    label = labels.get(user_id)
    return str(label) if label else "已注销用户"


DAY_HEADERS = ["时段", "预约人", "状态"]


@bp.get("/bookings/day/<id:bookable_id>/<day>.<any(csv, xlsx):fmt>")
@login_required
def booking_day_export(bookable_id, day, fmt):
    """A service's bookings of one day as CSV or Excel, as the day view lists them; audited."""
    staff = current_staff()
    bookable = load_scoped(Bookable, bookable_id, staff, CHECKIN)
    when = parse_day(day)
    if when is None:
        raise NotFound()
    bookings = operations.export_day_bookings(staff, bookable, when, fmt)
    labels = identity.user_labels(b.user_id for b in bookings)
    rows = [
        [
            f"{local(b.slot.starts_at):%H:%M}–{local(b.slot.ends_at):%H:%M}",
            resident(labels, b.user_id),
            STATUS_NAMES[b.status],
        ]
        for b in bookings
    ]
    return export_response(fmt, f"预约日程-{bookable.name}-{when.isoformat()}", DAY_HEADERS, rows)


def day_url(bookable_id: int | None, day: date | None) -> str:
    return url_for("admin.booking_day", bookable_id=bookable_id, date=day.isoformat() if day else None)


def describe(booking: Booking) -> tuple[str, str]:
    """(the booking's day view, "王** 12月08日 09:00 证明开具") — taken before an operation may roll back."""
    starts = local(booking.slot.starts_at)
    who = resident(identity.user_labels([booking.user_id]), booking.user_id)
    return (
        day_url(booking.bookable_id, starts.date()),
        f"{who} {starts:%m月%d日 %H:%M} {booking.bookable.name}",
    )


def act_on(booking: Booking, operation, done: str):
    """Run one operation on a booking; flash its outcome in Chinese and go back to the booking's day."""
    back, what = describe(booking)
    try:
        operation()
    except AppError as error:
        flash_failure(error)
    else:
        flash(f"{done}：{what}", "info")
    return redirect(back)


@bp.post("/bookings/<id:booking_id>/check-in")
@login_required
def booking_check_in(booking_id):
    staff = current_staff()
    booking = load_scoped(Booking, booking_id, staff, CHECKIN)
    return act_on(booking, lambda: operations.check_in(staff, booking), "已核销")


@bp.post("/bookings/check-in")
@login_required
def booking_check_in_by_token():
    """Check in by the token of the resident's booking QR, scanned or typed into the day view."""
    staff = require(current_staff(), CHECKIN)
    back = day_url(optional_int(request.form.get("bookable_id")), parse_day(request.form.get("date")))
    form = CheckInForm()
    if not form.validate():
        flash(form.qr_token.errors[0], "error")
        return redirect(back)
    try:
        booking = queries.load_booking_by_qr(staff, form.qr_token.data)
    except AppError as error:
        flash_failure(error)
        return redirect(back)
    return act_on(booking, lambda: operations.check_in(staff, booking), "已核销")


@bp.post("/bookings/<id:booking_id>/approve")
@login_required
def booking_approve(booking_id):
    staff = current_staff()
    booking = load_scoped(Booking, booking_id, staff, MANAGE)
    return act_on(booking, lambda: operations.decide_booking(staff, booking, True), "已通过")


@bp.post("/bookings/<id:booking_id>/reject")
@login_required
def booking_reject(booking_id):
    staff = current_staff()
    booking = load_scoped(Booking, booking_id, staff, MANAGE)
    return act_on(booking, lambda: operations.decide_booking(staff, booking, False), "未通过")


# -- 预约暂停: residents suspended for no-shows -------------------------------------------------------


# the list's 状态 filter: its value → suspensions_list's state (生效中 by default, so no empty "全部")
SUSPENSION_FILTER = {"": "active", "lifted": "lifted", "expired": "expired", "all": None}
SUSPENSION_FILTER_NAMES = [("", "生效中"), ("lifted", "已解除"), ("expired", "已到期"), ("all", "全部")]


@bp.get("/booking-suspensions")
@login_required
def booking_suspensions():
    """Search by the resident's name, ``state`` (in force by default; lifted, expired, all),
    ``community_id`` for staff of several communities, ``sort`` by start or end, numbered ``page``s."""
    staff = require(current_staff(), MANAGE)
    args = list_args(sorts=("-start", "start", "-end", "end"), filters=("state", "community_id"))
    state = args.get("state") if args.get("state") in SUSPENSION_FILTER else ""
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    page = queries.suspensions_list(
        staff,
        q=args.q,
        state=SUSPENSION_FILTER[state],
        community_id=chosen[0] if chosen else None,
        sort=args.sort,
        page=args.page,
        per_page=PAGE_SIZE,
    )
    return render_template(
        "admin/bookings/suspensions.html",
        page=page,
        args=args,
        state=state,
        states=SUSPENSION_FILTER_NAMES,
        choice=choice,
        chosen=chosen,
        current=now(),
        labels=identity.user_labels(s.user_id for s in page.items),
        names=identity.community_names({s.community_id for s in page.items}),
    )


@bp.post("/booking-suspensions/<id:suspension_id>/lift")
@login_required
def booking_suspension_lift(suspension_id):
    staff = current_staff()
    suspension = load_scoped(BookingSuspension, suspension_id, staff, MANAGE)
    who = resident(identity.user_labels([suspension.user_id]), suspension.user_id)
    try:
        operations.lift_suspension(staff, suspension)
    except AppError as error:
        flash_failure(error)
    else:
        flash(f"已解除 {who} 的预约暂停，可以重新预约", "info")
    return redirect(url_for("admin.booking_suspensions"))
