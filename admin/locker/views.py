"""云柜 in the console: 云柜列表 (cabinets with their occupancy by size), a cabinet's page (its compartments
as a grid coloured by state; remote opening with a reason, key rotation, enabling), and the type-ahead
of residents a deposit goes to. Deposits, retrieval and alerts: admin/locker/deposits.py."""

from flask import flash, jsonify, make_response, redirect, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.forms import optional_int
from admin.lists import list_args, search_words
from admin.locker.forms import CabinetEnabledForm, ConfirmForm, RemoteOpenForm
from admin.party.views import attempt
from admin.pickers import chosen_community, community_choice
from cloudplatform.clock import now
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import allows, require
from cloudplatform.locker import operations, queries
from cloudplatform.locker.models import COMPARTMENT_STATES, DEPOSIT_STATUS_NAMES, SIZES, WAITING, Cabinet

DEPOSIT, MANAGE = "locker.deposit", "locker.manage"
CABINET_SORTS = ("name", "-name", "community", "-community", "seen", "-seen")


@bp.get("/locker/cabinets")
@login_required
def locker_cabinets():
    """Cabinets of the staff member's communities: search by name, location or community; filters by
    community and state (online, offline, locked, disabled); each with its free and occupied
    compartments by size."""
    staff = require(current_staff(), DEPOSIT)
    args = list_args(sorts=CABINET_SORTS, filters=("community_id", "state"))
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, args.get("community_id"))
    state = args.get("state") if args.get("state") in queries.CABINET_STATES else None
    page = queries.cabinets_page(
        staff,
        q=args.q,
        community_id=chosen[0] if chosen else None,
        state=state,
        sort=args.sort,
        page=args.page,
    )
    return render_template(
        "admin/locker/cabinets.html",
        page=page,
        args=args,
        filters=[*choice.filter(), ("state", "状态", list(queries.CABINET_STATES.items()))],
        choice=choice,
        chosen=chosen,
        counts=queries.compartment_counts([c.id for c in page.items]),
        sizes=SIZES,
        online_since=queries.online_since(),
        now=now(),
    )


@bp.get("/locker/cabinets/<id:cabinet_id>")
@login_required
def locker_cabinet(cabinet_id):
    staff = current_staff()
    return render_cabinet(staff, queries.load_cabinet(staff, cabinet_id))


def render_cabinet(staff: StaffAccount, cabinet: Cabinet, *, open_form=None, new_key=None, status=200):
    """The cabinet's grid: each compartment coloured by its state, an occupied one with its item and
    recipient (masked name and building; never a code); the manager's actions below it."""
    _, grid = queries.cabinet_with_compartments(staff, cabinet.id)
    people = identity.user_labels(d.recipient_user_id or d.sender_user_id for _, d in grid if d is not None)
    manages = allows(staff, MANAGE)
    state_counts: dict[str, int] = {}
    for compartment, _ in grid:
        state_counts[compartment.state] = state_counts.get(compartment.state, 0) + 1
    response = make_response(
        render_template(
            "admin/locker/cabinet.html",
            cabinet=cabinet,
            grid=grid,
            people=people,
            states=COMPARTMENT_STATES,
            statuses=DEPOSIT_STATUS_NAMES,
            sizes=SIZES,
            state_counts=state_counts,
            waiting=[(c, d) for c, d in grid if d is not None and d.status == WAITING],
            online_since=queries.online_since(),
            now=now(),
            manages=manages,
            can_enable=hasattr(operations, "set_cabinet_enabled"),
            keys=queries.cabinet_keys(cabinet) if manages else [],
            open_form=open_form or RemoteOpenForm(formdata=None),
            confirm=ConfirmForm(formdata=None),
            new_key=new_key,
        ),
        status,
    )
    if new_key:
        response.headers["Cache-Control"] = "no-store"  # the secret is shown this once
    return response


def cabinet_back(cabinet: Cabinet) -> str:
    return url_for("admin.locker_cabinet", cabinet_id=cabinet.id)


@bp.post("/locker/cabinets/<id:cabinet_id>/open")
@login_required
def locker_cabinet_open(cabinet_id):
    """Open a waiting deposit's door for its recipient on staff's word, with the reason the audit log
    keeps; the door closing completes the pickup."""
    staff = current_staff()
    cabinet = queries.load_cabinet(staff, cabinet_id, MANAGE)
    form = RemoteOpenForm()
    if not form.validate():
        return render_cabinet(staff, cabinet, open_form=form, status=422)
    deposit = queries.load_deposit(staff, int(form.deposit_id.data))
    if deposit.cabinet_id != cabinet.id:
        form.deposit_id.errors = ["请选择待取件的格口"]
        return render_cabinet(staff, cabinet, open_form=form, status=422)
    return attempt(
        lambda: operations.remote_open(staff, deposit, form.reason.data),
        cabinet_back(cabinet),
        f"已向{cabinet.name}发送开柜指令：{deposit.compartment.number} 号格，柜机下次心跳时开门",
    )


@bp.post("/locker/cabinets/<id:cabinet_id>/keys")
@login_required
def locker_cabinet_rotate_key(cabinet_id):
    """Give the cabinet a new key (its newest old one stays active until the installer has switched):
    the new secret is shown on this page once, never again."""
    staff = current_staff()
    cabinet = queries.load_cabinet(staff, cabinet_id, MANAGE)
    if not ConfirmForm().validate():
        flash("页面已过期，请刷新后重试", "error")
        return redirect(cabinet_back(cabinet))
    try:
        key_id, secret = operations.rotate_key(staff, cabinet)
    except AppError as error:
        flash_failure(error)
        return redirect(cabinet_back(cabinet))
    flash(f"已为{cabinet.name}生成新密钥 {key_id}", "info")
    return render_cabinet(staff, cabinet, new_key=(key_id, secret))


@bp.post("/locker/cabinets/<id:cabinet_id>/enabled")
@login_required
def locker_cabinet_enabled(cabinet_id):
    """Disable a cabinet (the device API refuses it) or enable it again."""
    staff = current_staff()
    cabinet = queries.load_cabinet(staff, cabinet_id, MANAGE)
    if not hasattr(operations, "set_cabinet_enabled"):  # the core's operation has not landed yet
        flash("暂不支持在后台启用或停用云柜", "error")
        return redirect(cabinet_back(cabinet))
    enabled = CabinetEnabledForm().enabled.data == "1"
    return attempt(
        lambda: operations.set_cabinet_enabled(staff, cabinet, enabled),  # type: ignore[attr-defined]
        cabinet_back(cabinet),
        f"已{'启用' if enabled else '停用'}{cabinet.name}",
    )


@bp.get("/locker/pick/recipients")
@login_required
def locker_pick_recipients():
    """Residents of one cabinet's community (``cabinet_id``; 404 outside the scope) by name, nickname or
    the phone's last digits, masked with their building and phone."""
    staff = require(current_staff(), DEPOSIT)
    cabinet = queries.load_cabinet(staff, optional_int(request.args.get("cabinet_id")) or 0)
    q = search_words()
    users = queries.search_recipients(cabinet, q) if q else []
    return jsonify({"items": [{"id": u.user_id, "label": f"{u} {u.phone or ''}".strip()} for u in users]})
