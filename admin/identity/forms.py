"""Forms of sign-in, residency review and staff accounts."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from admin.forms import optional_int
from admin.notices.forms import CheckboxesField
from cloudplatform.identity.models import CITY_ADMIN, STREET_ADMIN
from cloudplatform.identity.operations import MIN_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    username = StringField(
        "用户名", validators=[DataRequired("请输入用户名"), Length(max=64, message="用户名过长")]
    )
    password = PasswordField(
        "密码", validators=[DataRequired("请输入密码"), Length(max=128, message="密码过长")]
    )


class RejectForm(FlaskForm):
    # Required-ness is the operation's rule (decide_residency raises REASON_REQUIRED).
    reason = StringField("驳回原因", validators=[Length(max=200, message="原因不能超过 200 字")])


class StaffCreateForm(FlaskForm):
    """Role, community and street choices are what the signed-in member may grant; the operation
    re-checks them (``can_grant``), so a forged value is refused there with its own message."""

    username = StringField(
        "用户名",
        validators=[
            DataRequired("请输入用户名"),
            Length(3, 64, message="用户名为 3 至 64 个字符"),
            Regexp(r"^[A-Za-z0-9_.-]+\Z", message="用户名只能包含字母、数字、下划线、点和连字符"),
        ],
    )
    display_name = StringField(
        "姓名", validators=[DataRequired("请输入姓名"), Length(max=64, message="姓名不能超过 64 个字符")]
    )
    password = PasswordField(
        "初始密码",
        validators=[DataRequired("请输入初始密码"), Length(10, 128, message="初始密码为 10 至 128 位")],
    )
    role = SelectField("角色", validators=[DataRequired("请选择角色")], validate_choice=False)
    community_id = SelectField("社区", coerce=optional_int, validate_choice=False)
    street_id = SelectField("街道（仅街道管理员）", coerce=optional_int, validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.role.data == STREET_ADMIN and self.street_id.data is None:
            self.street_id.errors = [*self.street_id.errors, "请选择街道"]
            valid = False
        if self.role.data not in (STREET_ADMIN, CITY_ADMIN) and self.community_id.data is None:
            self.community_id.errors = [*self.community_id.errors, "请选择社区"]
            valid = False
        return valid


class LinkUserForm(FlaskForm):
    """The user is chosen with the user picker (admin.pick_users), which sends its id."""

    user_id = StringField(
        "微信用户",
        validators=[
            DataRequired("请选择微信用户"),
            Regexp(r"^[1-9]\d{0,17}\Z", message="请输入有效的用户 ID"),
        ],
    )


NEW_PASSWORD_LENGTH = Length(MIN_PASSWORD_LENGTH, 128, message=f"新密码为 {MIN_PASSWORD_LENGTH} 至 128 位")


class PasswordChangeForm(FlaskForm):
    """Its own password; the operation checks the current one and that the new one is not the username."""

    current_password = PasswordField(
        "当前密码", validators=[DataRequired("请输入当前密码"), Length(max=128, message="密码过长")]
    )
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码"), NEW_PASSWORD_LENGTH])
    confirm_password = PasswordField(
        "再次输入新密码",
        validators=[
            DataRequired("请再次输入新密码"),
            EqualTo("new_password", message="两次输入的新密码不一致"),
        ],
    )


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        "临时密码",
        validators=[
            DataRequired("请输入临时密码"),
            Length(MIN_PASSWORD_LENGTH, 128, message=f"临时密码为 {MIN_PASSWORD_LENGTH} 至 128 位"),
        ],
    )


class GridsForm(FlaskForm):
    """The community's grids a grid worker looks after; ``assign_grids`` checks they are theirs."""

    grid_ids = CheckboxesField("负责的网格", coerce=int, validate_choice=False)
