"""Forms of the 云柜 console: a deposit for a resident, a remote opening with its reason, a cabinet's
enabling. They check shape; the operations decide what is allowed."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from admin.forms import optional_int, printable_line, strip
from cloudplatform.locker.models import SIZES

ITEM_LENGTH, REASON_LENGTH = 100, 200


class DepositForm(FlaskForm):
    """存件: the cabinet (a select, or the one the page came from), the recipient chosen with the picker
    among the cabinet's community's residents, the size and what it is."""

    cabinet_id = SelectField("云柜", coerce=optional_int, validate_choice=False)
    recipient_user_id = StringField(
        "收件居民",
        filters=[strip],
        validators=[
            DataRequired("请选择收件居民"),
            Regexp(r"^[1-9][0-9]{0,17}\Z", message="请从候选中选择收件居民"),
        ],
    )
    size = SelectField("格口大小", choices=SIZES, validate_choice=False)
    item = StringField(
        "物品",
        filters=[strip],
        validators=[
            DataRequired("请填写物品"),
            Length(max=ITEM_LENGTH, message=f"物品不能超过 {ITEM_LENGTH} 字"),
            printable_line,
        ],
    )

    def validate_cabinet_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("请选择云柜")

    def validate_size(self, field) -> None:
        if field.data not in SIZES:
            raise ValidationError("请选择格口大小")

    def recipient(self) -> int:
        return int(self.recipient_user_id.data)


class RemoteOpenForm(FlaskForm):
    """Open a waiting deposit's door from the console: which one and why (the audit log keeps the reason)."""

    deposit_id = StringField(
        "格口",
        filters=[strip],
        validators=[
            DataRequired("请选择待取件的格口"),
            Regexp(r"^[1-9][0-9]{0,9}\Z", message="请选择待取件的格口"),
        ],
    )
    reason = StringField(
        "开柜原因",
        filters=[strip],
        validators=[
            DataRequired("请填写开柜原因"),
            Length(max=REASON_LENGTH, message=f"开柜原因不能超过 {REASON_LENGTH} 字"),
            printable_line,
        ],
    )


class CabinetEnabledForm(FlaskForm):
    enabled = SelectField("状态", choices={"1": "启用", "0": "停用"}, validate_choice=False)


class ConfirmForm(FlaskForm):
    """A button that needs nothing but the CSRF token (cancel, retrieve, rotate a key)."""
