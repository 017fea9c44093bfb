"""Forms of the 党建云 console: units and their agreements, decisions on reports, posts and their monthly
credit, activities and attendance corrections. They check shape; the operations decide what is allowed."""

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from admin.bookings.forms import DayField, WholeNumberField, between
from admin.forms import optional_int, printable_line, printable_text, strip
from admin.notices.forms import CheckboxesField, LocalDateTimeField
from cloudplatform.clock import local, now
from cloudplatform.party.models import ACTIVITY_AUDIENCES, ACTIVITY_KINDS, UNIT_KINDS

MAX_COMMITMENTS, COMMITMENT_LENGTH = 30, 64
MAX_MINUTES = 1440 * 31  # the database's bound of one credit


def line(label: str, length: int, *, required: bool = False) -> StringField:
    """A one-line text field of at most ``length`` characters, refused in Chinese."""
    validators = [DataRequired(f"请填写{label}")] if required else []
    validators += [Length(max=length, message=f"{label}不能超过 {length} 字"), printable_line]
    return StringField(label, filters=[strip], validators=validators)


def parse_month(text: str | None) -> date | None:
    """ "2026-11" → 2026-11-01 (years 2000 to 2099), else None."""
    if not text or not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text.strip()):
        return None
    year, month = int(text[:4]), int(text[5:7])
    return date(year, month, 1) if 2000 <= year <= 2099 and 1 <= month <= 12 else None


class MonthField(StringField):
    """An <input type=month>: ``data`` is the month's first day or None."""

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        self.data = parse_month(text)
        if text.strip() and self.data is None:
            raise ValueError("月份格式应为 年-月")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:%Y-%m}" if self.data else ""


class CommunityForm(FlaskForm):
    """A new record's community: the only one, a select's option, or the picker's choice."""

    community_id = SelectField("社区", coerce=optional_int, validate_choice=False)

    def validate_community_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("请选择社区")


# -- units ------------------------------------------------------------------------------------------


class UnitForm(FlaskForm):
    name = line("单位名称", 64, required=True)
    branch = line("党组织名称", 64)
    kind = SelectField("类型", choices=UNIT_KINDS, validate_choice=False)
    contact_name = line("联系人", 32)
    contact_phone = StringField(
        "联系电话",
        filters=[strip],
        validators=[
            Optional(),
            Regexp(r"^[0-9+\- ]{5,20}\Z", message="联系电话应为 5 至 20 位数字（可含 +、-）"),
        ],
    )
    contact_user_id = StringField(
        "联系人微信（接收月报）",
        filters=[strip],
        validators=[Optional(), Regexp(r"^[1-9][0-9]{0,17}\Z", message="请从候选中选择微信用户")],
    )
    agreement_starts = DayField("共建协议开始日期")
    agreement_ends = DayField("共建协议结束日期")
    commitments = TextAreaField(
        "承诺服务项目（每行一项）",
        validators=[Length(max=4000, message="承诺服务项目内容过长"), printable_text],
    )
    community_ids = CheckboxesField("面向的社区", coerce=optional_int, validate_choice=False)
    add_community_id = StringField("添加社区", filters=[strip])

    def validate_kind(self, field) -> None:
        if field.data not in UNIT_KINDS:
            raise ValidationError("请选择类型")

    def validate_agreement_ends(self, field) -> None:
        starts = self.agreement_starts.data
        if field.data is not None and starts is not None and field.data < starts:
            raise ValidationError("协议结束日期应不早于开始日期")

    def validate_commitments(self, field) -> None:
        items = self.commitment_list()
        if len(items) > MAX_COMMITMENTS:
            raise ValidationError(f"承诺服务项目最多 {MAX_COMMITMENTS} 项")
        for number, item in enumerate(items, 1):
            if len(item) > COMMITMENT_LENGTH:
                raise ValidationError(f"第 {number} 项不能超过 {COMMITMENT_LENGTH} 字")

    def commitment_list(self) -> list[str]:
        return [item.strip() for item in (self.commitments.data or "").splitlines() if item.strip()]

    def chosen_community_ids(self) -> list[int]:
        """The communities ticked and the one added with the picker."""
        ids = [i for i in self.community_ids.data or [] if i is not None]
        added = optional_int(self.add_community_id.data)
        return sorted({*ids, added} - {None}) if added else sorted(set(ids))

    def fields(self) -> dict:
        """What ``create_unit`` / ``update_unit`` take (the contact user checked by the view)."""
        return {
            "name": self.name.data,
            "branch": self.branch.data or "",
            "kind": self.kind.data,
            "contact_name": self.contact_name.data or "",
            "contact_phone": self.contact_phone.data or "",
            "contact_user_id": optional_int(self.contact_user_id.data),
            "agreement_starts": self.agreement_starts.data,
            "agreement_ends": self.agreement_ends.data,
            "commitments": self.commitment_list(),
        }


class UnitCreateForm(UnitForm, CommunityForm):
    pass


class ActiveForm(FlaskForm):
    active = SelectField("状态", choices={"1": "启用", "0": "停用"}, validate_choice=False)


# -- reports ----------------------------------------------------------------------------------------


class RejectForm(FlaskForm):
    # Required-ness is the operation's rule (decide_report raises REASON_REQUIRED).
    reason = StringField(
        "驳回原因",
        filters=[strip],
        validators=[Length(max=200, message="原因不能超过 200 字"), printable_line],
    )


class RevokeForm(FlaskForm):
    reason = line("撤销原因", 200, required=True)


# -- posts ------------------------------------------------------------------------------------------


class PostForm(FlaskForm):
    title = line("岗位名称", 64, required=True)
    duties = TextAreaField(
        "岗位职责",
        filters=[strip],
        validators=[Length(max=2000, message="岗位职责不能超过 2000 字"), printable_text],
    )
    headcount = WholeNumberField("人数", validators=[between(1, 500)])
    starts_on = DayField("开始日期")
    ends_on = DayField("结束日期")

    def validate_starts_on(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请选择开始日期")

    def validate_ends_on(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请选择结束日期")
        if field.data is not None and self.starts_on.data is not None and field.data < self.starts_on.data:
            raise ValidationError("结束日期应不早于开始日期")

    def fields(self) -> dict:
        return {name: self[name].data for name in ("title", "duties", "headcount", "starts_on", "ends_on")}


class PostCreateForm(PostForm, CommunityForm):
    pass


class CreditForm(FlaskForm):
    """A month's service of a confirmed post holder."""

    month = MonthField("月份")
    minutes = WholeNumberField("服务时长（分钟）", validators=[between(1, MAX_MINUTES)])
    note = line("备注", 200)

    def validate_month(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请选择月份")
        if field.data is not None and field.data > local(now()).date():
            raise ValidationError("不能为未来的月份记入时长")


# -- activities -------------------------------------------------------------------------------------


class ActivityForm(FlaskForm):
    title = line("活动名称", 64, required=True)
    kind = SelectField("活动类型", choices=ACTIVITY_KINDS, validate_choice=False)
    description = TextAreaField(
        "活动内容",
        filters=[strip],
        validators=[Length(max=2000, message="活动内容不能超过 2000 字"), printable_text],
    )
    venue = line("活动地点", 128)
    starts_at = LocalDateTimeField("开始时间（北京时间）")
    ends_at = LocalDateTimeField("结束时间（北京时间）")
    capacity = WholeNumberField("名额", validators=[between(1, 5000)])
    audience = SelectField("面向", choices=ACTIVITY_AUDIENCES, validate_choice=False)
    unit_id = SelectField("单位（面向指定单位党员时选择）", coerce=optional_int, validate_choice=False)
    walk_ins = BooleanField("允许未报名的本社区党员现场签到")
    counts_actual_time = BooleanField("按实际签到、签退时间计算服务时长")
    cancel_deadline_hours = WholeNumberField("开始前几小时截止取消报名", validators=[between(0, 720)])
    check_in_margin_minutes = WholeNumberField("开始前几分钟开放签到", validators=[between(0, 240)])

    FIELDS = (
        "title",
        "kind",
        "description",
        "venue",
        "starts_at",
        "ends_at",
        "capacity",
        "audience",
        "unit_id",
        "walk_ins",
        "counts_actual_time",
        "cancel_deadline_hours",
        "check_in_margin_minutes",
    )

    def validate_kind(self, field) -> None:
        if field.data not in ACTIVITY_KINDS:
            raise ValidationError("请选择活动类型")

    def validate_audience(self, field) -> None:
        if field.data not in ACTIVITY_AUDIENCES:
            raise ValidationError("请选择活动面向的党员")

    def validate_starts_at(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请填写开始时间")

    def validate_ends_at(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请填写结束时间")
        if field.data is not None and self.starts_at.data is not None and field.data <= self.starts_at.data:
            raise ValidationError("结束时间应晚于开始时间")

    def validate_unit_id(self, field) -> None:
        if self.audience.data == "unit" and field.data is None:
            raise ValidationError("面向指定单位党员时请选择单位")

    def fields(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class ActivityCreateForm(ActivityForm, CommunityForm):
    pass


class CancelForm(FlaskForm):
    reason = line("取消原因", 50)


class CorrectForm(FlaskForm):
    minutes = WholeNumberField("更正后的时长（分钟）", validators=[between(0, MAX_MINUTES)])
    reason = line("更正原因", 200, required=True)
