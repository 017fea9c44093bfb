"""志愿云: 爱心超市 — the rewards of the staff member's communities with their stock (new, edit, restock, on
and off the shelf; reward.manage), and 兑换核销 — the redemption queue: hand one over by the QR token
scanned into the page or by a button, put a locker one into a cabinet, cancel with a reason
(reward.fulfil)."""

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, ValidationError

from admin import bp
from admin.auth import current_staff, flash_failure, login_required
from admin.bookings.forms import WholeNumberField, between
from admin.forms import FilesField, accepts_files, printable_text, strip
from admin.lists import list_args
from admin.party.forms import CommunityForm, line
from admin.party.views import attempt, chosen_for_form, new_form
from admin.pickers import community_choice
from admin.volunteer.forms import OptionalNumberField, SignedNumberField
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.permissions import allows, require
from cloudplatform.locker.models import SIZES
from cloudplatform.volunteer.models import (
    DELIVERY_NAMES,
    LIMIT_PERIODS,
    REDEMPTION_STATUS_NAMES,
    RESERVED,
    REWARD_STATUS_NAMES,
)
from cloudplatform.volunteer.rewards import operations, queries

SIZE_CHOICES = {"": "仅到站领取", **{key: f"{name}（{key}）" for key, name in SIZES.items()}}


class RewardForm(FlaskForm):
    """A reward's fields (the operations check them again)."""

    name = line("物品名称", 64, required=True)
    donor = line("捐赠单位", 64)
    price = WholeNumberField("所需积分", validators=[between(1, 100000)])
    per_person = OptionalNumberField("每人限兑数量（不填为不限）")
    limit_period = SelectField("限兑周期", choices=LIMIT_PERIODS, validate_choice=False)
    size = SelectField("云柜格口", choices=SIZE_CHOICES, validate_choice=False)
    description = TextAreaField(
        "物品介绍",
        filters=[strip],
        validators=[Length(max=2000, message="物品介绍不能超过 2000 字"), printable_text],
    )
    picture = FilesField("物品图片（JPEG 或 PNG，不超过 10 MB；不选则不变）")

    def validate_limit_period(self, field) -> None:
        if field.data not in LIMIT_PERIODS:
            raise ValidationError("请选择限兑周期")

    def validate_size(self, field) -> None:
        if field.data and field.data not in SIZES:
            raise ValidationError("请选择云柜格口")

    def validate_per_person(self, field) -> None:
        if field.data is not None and not 1 <= field.data <= 1000:
            raise ValidationError("应为 1 至 1000 之间的整数")

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "donor": self.donor.data or "",
            "price": self.price.data,
            "per_person": self.per_person.data,
            "limit_period": self.limit_period.data,
            "size": self.size.data or None,
            "description": self.description.data or "",
        }


class RewardCreateForm(CommunityForm, RewardForm):
    stock = WholeNumberField("初始库存", validators=[between(0, 100000)])


class RestockForm(FlaskForm):
    amount = SignedNumberField("数量（负数为扣减）")


class TokenForm(FlaskForm):
    token = line("兑换码", 64, required=True)


class DepositForm(FlaskForm):
    cabinet_id = SelectField("云柜", coerce=int, validate_choice=False)


class CancelForm(FlaskForm):
    reason = line("取消原因", 200, required=True)


def first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


# -- 爱心超市 ---------------------------------------------------------------------------------------------


@bp.route("/volunteer/rewards", methods=["GET", "POST"])
@login_required
@accepts_files
def volunteer_rewards():
    """The rewards offered in the staff member's communities, newest first (search by name or donor,
    filter by shelf status), each with its stock and a restock and shelve form; the form for a new one."""
    staff = require(current_staff(), operations.MANAGE)
    choice = community_choice(staff)
    form = new_form(RewardCreateForm, staff, choice, limit_period="month", stock=0)
    status = 200
    if form.validate_on_submit():
        try:
            reward = operations.create_reward(
                staff, [form.community_id.data], stock=form.stock.data, **form.values()
            )
            for name, data in form.picture.files()[:1]:
                operations.set_reward_picture(staff, reward, name, data)
        except AppError as error:
            flash_failure(error)
            status = error.status
        else:
            flash(f"已上架 {reward.name}", "info")
            return redirect(url_for("admin.volunteer_rewards"))
    elif form.errors:
        status = 422
    args = list_args(sorts=("-created",), filters=("status",))
    shelf = args.get("status") if args.get("status") in REWARD_STATUS_NAMES else None
    page = queries.staff_rewards(staff, q=args.q, status=shelf, page=args.page)
    offered = queries.reward_communities([r.id for r in page.items])
    return render_template(
        "admin/volunteer/rewards.html",
        page=page,
        args=args,
        statuses=list(REWARD_STATUS_NAMES.items()),
        status_names=REWARD_STATUS_NAMES,
        periods=LIMIT_PERIODS,
        sizes=SIZES,
        offered=offered,
        names=identity.community_names({c for ids in offered.values() for c in ids}),
        form=form,
        choice=choice,
        chosen=chosen_for_form(staff, choice, form),
        restock=RestockForm(formdata=None),
    ), status


@bp.route("/volunteer/rewards/<id:reward_id>", methods=["GET", "POST"])
@login_required
@accepts_files
def volunteer_reward_edit(reward_id):
    """Change a reward's fields (a new price or limit applies to redemptions from now on)."""
    staff = current_staff()
    reward = queries.load_reward(staff, reward_id)
    form = RewardForm(obj=reward if request.method == "GET" else None)
    if request.method == "GET":
        form.size.data = reward.size or ""
    status = 200
    if form.validate_on_submit():
        try:
            operations.update_reward(staff, reward, **form.values())
            for name, data in form.picture.files()[:1]:
                operations.set_reward_picture(staff, reward, name, data)
        except AppError as error:
            flash_failure(error)
            status = error.status
        else:
            flash(f"已保存 {reward.name}", "info")
            return redirect(url_for("admin.volunteer_rewards"))
    elif form.errors:
        status = 422
    return render_template("admin/volunteer/reward_edit.html", reward=reward, form=form), status


@bp.post("/volunteer/rewards/<id:reward_id>/restock")
@login_required
def volunteer_reward_restock(reward_id):
    """Add to the stock (or take out with a negative number); audited."""
    staff = current_staff()
    reward = queries.load_reward(staff, reward_id)
    back = url_for("admin.volunteer_rewards")
    form = RestockForm()
    if not form.validate():
        flash(first_error(form), "error")
        return redirect(back)
    return attempt(
        lambda: operations.restock(staff, reward, form.amount.data), back, f"已调整 {reward.name} 的库存"
    )


@bp.post("/volunteer/rewards/<id:reward_id>/shelf")
@login_required
def volunteer_reward_shelf(reward_id):
    """Put a reward on the shelf or take it off."""
    staff = current_staff()
    reward = queries.load_reward(staff, reward_id)
    on = request.form.get("on") == "1"
    return attempt(
        lambda: operations.shelve(staff, reward, on),
        url_for("admin.volunteer_rewards"),
        f"已{'上架' if on else '下架'} {reward.name}",
    )


# -- 兑换核销 ---------------------------------------------------------------------------------------------


@bp.get("/volunteer/redemptions")
@login_required
def volunteer_redemptions():
    """The redemptions of the staff member's communities by status (waiting ones first, oldest first):
    the volunteer (masked), the reward, how it is collected; 核销 by the scanned token or a button, put a
    locker one into a cabinet, cancel with a reason."""
    staff = require(current_staff(), operations.FULFIL)
    args = list_args(sorts=("created",), filters=("status",))
    asked = args.get("status")
    status = None if asked == "all" else asked if asked in REDEMPTION_STATUS_NAMES else RESERVED
    page = queries.redemptions_list(staff, status, q=args.q, page=args.page)
    return render_template(
        "admin/volunteer/redemptions.html",
        page=page,
        args=args,
        status=status,
        statuses=list(REDEMPTION_STATUS_NAMES.items()),
        status_names=REDEMPTION_STATUS_NAMES,
        deliveries=DELIVERY_NAMES,
        cabinets=queries.cabinets_in_scope(staff),
        names=identity.community_names({r.community_id for r in page.items}),
        token_form=TokenForm(formdata=None),
        cancel_form=CancelForm(formdata=None),
        may_deposit=allows(staff, "locker.deposit"),
    )


def queue_address() -> str:
    return url_for("admin.volunteer_redemptions")


@bp.post("/volunteer/redemptions/scan")
@login_required
def volunteer_redemption_scan():
    """核销 by the QR token a scanner typed into the page."""
    staff = current_staff()
    form = TokenForm()
    if not form.validate():
        flash(first_error(form), "error")
        return redirect(queue_address())
    try:
        redemption = operations.fulfil_by_token(staff, form.token.data)
    except AppError as error:
        flash_failure(error)
    else:
        flash(f"已核销：{redemption.reward.name}", "info")
    return redirect(queue_address())


@bp.post("/volunteer/redemptions/<id:redemption_id>/fulfil")
@login_required
def volunteer_redemption_fulfil(redemption_id):
    """核销 by a button (staff checked who the volunteer is)."""
    staff = current_staff()
    redemption = queries.load_redemption(staff, redemption_id)
    return attempt(
        lambda: operations.fulfil_redemption(staff, redemption),
        queue_address(),
        f"已核销：{redemption.reward.name}",
    )


@bp.post("/volunteer/redemptions/<id:redemption_id>/deposit")
@login_required
def volunteer_redemption_deposit(redemption_id):
    """Put a locker redemption's item into a cabinet of its community."""
    staff = current_staff()
    redemption = queries.load_redemption(staff, redemption_id)
    form = DepositForm()
    cabinet_id = form.cabinet_id.data if form.validate() else None
    return attempt(
        lambda: operations.deposit_redemption(staff, redemption, cabinet_id),
        queue_address(),
        f"已存入云柜：{redemption.reward.name}",
    )


@bp.post("/volunteer/redemptions/<id:redemption_id>/cancel")
@login_required
def volunteer_redemption_cancel(redemption_id):
    """Cancel a redemption with a reason: points and stock go back, the volunteer is told."""
    staff = current_staff()
    redemption = queries.load_redemption(staff, redemption_id)
    form = CancelForm()
    if not form.validate():
        flash(first_error(form), "error")
        return redirect(queue_address())
    return attempt(
        lambda: operations.cancel_redemption(staff, redemption, form.reason.data),
        queue_address(),
        f"已取消兑换：{redemption.reward.name}，积分已退还",
    )
