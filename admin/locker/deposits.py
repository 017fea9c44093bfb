"""云柜 deposits in the console: 存件 (an item for a resident: the resident is notified and only they ever
see the code), 存取记录 (deposits with a status filter, search and dates; a deposit's history), 待回收
(expired deposits to take back: 开柜回收) and 告警 (locked-out and offline cabinets)."""

from dataclasses import dataclass
from datetime import datetime

from flask import redirect, render_template, request, url_for

from admin import bp
from admin.audit.views import parse_day
from admin.auth import current_staff, flash_failure, login_required
from admin.forms import optional_int
from admin.lists import list_args
from admin.locker.forms import ConfirmForm, DepositForm
from admin.party.views import attempt
from admin.pickers import chosen_community, community_choice
from cloudplatform import transaction
from cloudplatform.clock import local_day_bounds, now
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import require
from cloudplatform.locker import operations, queries
from cloudplatform.locker.models import (
    CANCELLED,
    COLLECTED,
    DEPOSIT_STATUS_NAMES,
    EXPIRED,
    OPENING,
    PICKED_UP,
    RETRIEVED,
    SIZES,
    WAITING,
    Cabinet,
    Deposit,
)

DEPOSIT = "locker.deposit"
DEPOSIT_SORTS = ("-created", "created", "expires", "-expires")
RETRIEVAL_SORTS = ("expires", "-expires", "created", "-created")  # the longest expired first

# -- 存件 --------------------------------------------------------------------------------------------


def cabinet_options(cabinets: list[Cabinet]) -> dict:
    """The select's options: each cabinet in scope by community, name and place."""
    named = {c.id: f"{c.community.name} · {c.name}" for c in cabinets}
    return {"": "请选择云柜"} | {
        c.id: named[c.id] + (f"（{c.location}）" if c.location else "") for c in cabinets
    }


def render_deposit_form(form: DepositForm, cabinets: list[Cabinet], status: int = 200):
    cabinet_id = form.cabinet_id.data
    recipient_id = optional_int(form.recipient_user_id.data)
    recipient = identity.user_labels([recipient_id]).get(recipient_id) if recipient_id else None
    return render_template(
        "admin/locker/deposit_form.html",
        form=form,
        cabinet=next((c for c in cabinets if c.id == cabinet_id), None),
        recipient=recipient,
    ), status


@bp.route("/locker/deposits/new", methods=["GET", "POST"])
@login_required
def locker_deposit_new():
    """Leave an item in a cabinet for a resident of its community: a compartment of the size (or larger)
    is allocated, and the resident is told by WeChat where to collect it with the code only they see."""
    staff = require(current_staff(), DEPOSIT)
    cabinets = queries.cabinets_for_deposit(staff)
    chosen = optional_int(request.args.get("cabinet_id"))
    only = cabinets[0].id if len(cabinets) == 1 else None
    form = DepositForm(data={"cabinet_id": chosen or only, "size": "S"})
    form.cabinet_id.choices = cabinet_options(cabinets)
    if not form.validate_on_submit():
        return render_deposit_form(form, cabinets, 422 if form.errors else 200)
    cabinet = next((c for c in cabinets if c.id == form.cabinet_id.data), None)
    if cabinet is None:
        form.cabinet_id.errors = ["请选择云柜"]
        return render_deposit_form(form, cabinets, 422)
    try:
        issued = operations.deposit(staff, cabinet.id, form.recipient(), form.size.data, form.item.data)
    except AppError as error:
        refused = error.details.get("fields", {}).get("recipient_user_id")
        if refused:  # shown at the field
            transaction.roll_back()
            form.recipient_user_id.errors = refused
        else:
            flash_failure(error)
        return render_deposit_form(form, cabinets, error.status)
    return redirect(url_for("admin.locker_deposit", deposit_id=issued.deposit.id, stored=1))


# -- 存取记录 -----------------------------------------------------------------------------------------


def deposit_filters(args) -> dict:
    """The list's status, community, cabinet and days (Beijing calendar days) from the address."""
    since, until = parse_day(args.get("from")), parse_day(args.get("to"))
    return {
        "status": args.get("status") if args.get("status") in DEPOSIT_STATUS_NAMES else None,
        "cabinet_id": args.get_int("cabinet_id"),
        "since": local_day_bounds(since)[0] if since else None,
        "until": local_day_bounds(until)[1] if until else None,
        "days": (since, until),
    }


@bp.get("/locker/deposits")
@login_required
def locker_deposits():
    """Deposits of the staff member's communities, newest first: search by item or by the recipient's
    name, filters by status, community and days; with the counts by status."""
    staff = require(current_staff(), DEPOSIT)
    args = list_args(sorts=DEPOSIT_SORTS, filters=("status", "community_id", "cabinet_id", "from", "to"))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    wanted = deposit_filters(args)
    days = wanted.pop("days")
    page = queries.deposits_page(
        staff, q=args.q, community_id=chosen[0] if chosen else None, sort=args.sort, page=args.page, **wanted
    )
    return render_list(
        "admin/locker/deposits.html",
        staff,
        page,
        args=args,
        choice=choice,
        chosen=chosen,
        days=days,
        filters=[("status", "状态", list(DEPOSIT_STATUS_NAMES.items())), *choice.filter()],
        counts=queries.deposit_status_counts(staff, chosen[0] if chosen else None),
    )


def render_list(template: str, staff: StaffAccount, page, **context):
    """A page of deposits with each one's resident (masked name and building): one statement more."""
    people = identity.user_labels(d.recipient_user_id or d.sender_user_id for d in page.items)
    return render_template(
        template,
        page=page,
        people=people,
        statuses=DEPOSIT_STATUS_NAMES,
        sizes=SIZES,
        confirm=ConfirmForm(formdata=None),
        now=now(),
        **context,
    )


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime


def history(deposit: Deposit) -> list[Step]:
    """What happened to the deposit, in order, from the times it keeps."""
    steps = [Step("存入格口，已通知居民", deposit.created_at)]
    if deposit.reminded_at:
        steps.append(Step("已提醒居民取件", deposit.reminded_at))
    if deposit.status in (EXPIRED, RETRIEVED):
        steps.append(Step("超时未取，待工作人员回收", deposit.expires_at))
    if deposit.opened_at:
        if deposit.status in (EXPIRED, RETRIEVED):
            opened = "工作人员开柜回收"
        elif deposit.finished_by_id and deposit.status in (OPENING, PICKED_UP):
            opened = "工作人员远程开柜"
        else:
            opened = "凭取件码开柜"
        steps.append(Step(opened, deposit.opened_at))
    if deposit.closed_at:
        ended = {
            PICKED_UP: "柜门关闭，居民已取件",
            RETRIEVED: "柜门关闭，已回收",
            COLLECTED: "柜门关闭，工作人员已取件",
            CANCELLED: "工作人员取消存件",
        }
        steps.append(Step(ended.get(deposit.status, "柜门关闭"), deposit.closed_at))
    return sorted(steps, key=lambda s: s.at)


@bp.get("/locker/deposits/<id:deposit_id>")
@login_required
def locker_deposit(deposit_id):
    """A deposit: what, where, for whom (masked), its status and history; cancel while it waits, 开柜回收
    once it has expired. The code is the recipient's alone and is never shown here."""
    staff = current_staff()
    deposit = queries.load_deposit(staff, deposit_id)
    person_id = deposit.recipient_user_id or deposit.sender_user_id
    return render_template(
        "admin/locker/deposit.html",
        deposit=deposit,
        person=identity.user_labels([person_id]).get(person_id) if person_id else None,
        staff_names=queries.staff_names({deposit.created_by_id, deposit.finished_by_id}),
        statuses=DEPOSIT_STATUS_NAMES,
        sizes=SIZES,
        steps=history(deposit),
        stored=request.args.get("stored") == "1",
        confirm=ConfirmForm(formdata=None),
        WAITING=WAITING,
        EXPIRED=EXPIRED,
        CANCELLED=CANCELLED,
    )


def deposit_back(deposit: Deposit) -> str:
    return url_for("admin.locker_deposit", deposit_id=deposit.id)


@bp.post("/locker/deposits/<id:deposit_id>/cancel")
@login_required
def locker_deposit_cancel(deposit_id):
    """Call off a deposit that still waits (the item is taken back out; the code dies)."""
    staff = current_staff()
    deposit = queries.load_deposit(staff, deposit_id)
    return attempt(
        lambda: operations.cancel_deposit(staff, deposit),
        deposit_back(deposit),
        f"已取消存件“{deposit.item}”，请从 {deposit.compartment.number} 号格取回物品",
    )


@bp.post("/locker/deposits/<id:deposit_id>/retrieve")
@login_required
def locker_deposit_retrieve(deposit_id):
    """开柜回收: open an expired deposit's door; its closing completes the retrieval."""
    staff = current_staff()
    deposit = queries.load_deposit(staff, deposit_id)
    back = request.form.get("back") == "retrievals"
    return attempt(
        lambda: operations.start_retrieval(staff, deposit),
        url_for("admin.locker_retrievals") if back else deposit_back(deposit),
        f"已发送开柜指令：{deposit.cabinet.name} {deposit.compartment.number} 号格，取出物品并关门后完成回收",
    )


# -- 待回收 and 告警 ----------------------------------------------------------------------------------


@bp.get("/locker/retrievals")
@login_required
def locker_retrievals():
    """Expired deposits waiting for staff to take them back, the longest expired first."""
    staff = require(current_staff(), DEPOSIT)
    args = list_args(sorts=RETRIEVAL_SORTS, filters=("community_id",))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    page = queries.deposits_page(
        staff,
        q=args.q,
        status=EXPIRED,
        community_id=chosen[0] if chosen else None,
        sort=args.sort,
        page=args.page,
    )
    return render_list("admin/locker/retrievals.html", staff, page, args=args, choice=choice, chosen=chosen)


@bp.get("/locker/alerts")
@login_required
def locker_alerts():
    """Cabinets that need someone: those not heard from, keypads locked out after wrong codes and
    compartments reporting a fault."""
    staff = require(current_staff(), DEPOSIT)
    offline = queries.offline_cabinets(staff)
    events = queries.alerts(staff)
    named = {int(e.target_id) for e in events if e.target_id and e.target_id.isdigit()}
    return render_template(
        "admin/locker/alerts.html",
        offline=offline,
        events=events,
        communities=identity.community_names({c.community_id for c in offline}),
        cabinet_names=queries.cabinet_names(named),
    )
