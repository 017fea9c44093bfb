"""Forms of the 志愿云 console: projects and shifts, cancelling, confirming and correcting hours, deciding
disputes, points rules and adjustments. They check shape; the operations decide what is allowed."""

import re

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length, ValidationError

from admin.bookings.forms import DayField, WholeNumberField, between
from admin.forms import optional_int, printable_text, strip
from admin.notices.forms import LocalDateTimeField
from admin.party.forms import CommunityForm, line
from cloudplatform.volunteer.models import CATEGORIES

MAX_SKILLS = 10
DECISIONS = {"dismiss": "维持原时长", "uphold": "更正时长"}


class OptionalNumberField(IntegerField):
    """A whole number or nothing (None), refused in Chinese."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        if not re.fullmatch(r"-?[0-9]{1,6}", text):
            raise ValueError("请填写整数")
        self.data = int(text)


class SignedNumberField(WholeNumberField):
    """A required whole number that may be negative."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not re.fullmatch(r"[-+]?[0-9]{1,6}", text):
            self.data = None
            raise ValueError("请填写整数")
        self.data = int(text)


# -- projects and shifts ------------------------------------------------------------------------------


class ProjectCreateForm(CommunityForm):
    name = line("项目名称", 64, required=True)
    category = SelectField("项目类别", choices=CATEGORIES, validate_choice=False)
    description = TextAreaField(
        "项目介绍",
        filters=[strip],
        validators=[Length(max=2000, message="项目介绍不能超过 2000 字"), printable_text],
    )

    FIELDS = ("name", "category", "description")

    def validate_category(self, field) -> None:
        if field.data not in CATEGORIES:
            raise ValidationError("请选择项目类别")

    def fields(self) -> dict:
        return {name: self[name].data for name in self.FIELDS}


class ShiftForm(FlaskForm):
    project_id = SelectField("志愿项目", coerce=optional_int, validate_choice=False)
    starts_at = LocalDateTimeField("开始时间（北京时间）")
    ends_at = LocalDateTimeField("结束时间（北京时间）")
    place = line("服务地点", 128, required=True)
    capacity = WholeNumberField("名额", validators=[between(1, 500)])
    skills = line("所需技能（用逗号分隔，可不填）", 200)
    cancel_deadline_hours = WholeNumberField("开始前几小时截止取消报名", validators=[between(0, 72)])
    check_in_margin_minutes = WholeNumberField("开始前几分钟开放签到", validators=[between(0, 240)])

    FIELDS = ("starts_at", "ends_at", "place", "capacity", "skills", "cancel_deadline_hours")
    FIELDS += ("check_in_margin_minutes",)

    def validate_project_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("请选择志愿项目")

    def validate_starts_at(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请填写开始时间")

    def validate_ends_at(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请填写结束时间")
        if field.data is not None and self.starts_at.data is not None and field.data <= self.starts_at.data:
            raise ValidationError("结束时间应晚于开始时间")

    def validate_skills(self, field) -> None:
        if len(self.skill_list()) > MAX_SKILLS:
            raise ValidationError(f"所需技能最多 {MAX_SKILLS} 项")

    def skill_list(self) -> list[str]:
        return [s.strip() for s in re.split(r"[,，、\s]+", self.skills.data or "") if s.strip()]

    def fields(self) -> dict:
        return {name: self[name].data for name in self.FIELDS} | {"skills": self.skill_list()}


class CancelForm(FlaskForm):
    reason = line("取消原因", 50, required=True)


class CorrectForm(FlaskForm):
    minutes = WholeNumberField("更正后的时长（分钟）", validators=[between(0, 1440)])
    reason = line("更正原因", 200, required=True)


class DecideForm(FlaskForm):
    decision = RadioField("处理结果", choices=DECISIONS, validate_choice=False)
    minutes = OptionalNumberField("更正后的时长（分钟，更正时填写；不填按志愿者申报）")
    note = line("处理说明", 200, required=True)

    def validate_decision(self, field) -> None:
        if field.data not in DECISIONS:
            raise ValidationError("请选择处理结果")

    def validate_minutes(self, field) -> None:
        if field.data is not None and not 0 <= field.data <= 1440:
            raise ValidationError("应为 0 至 1440 之间的整数")


# -- points -------------------------------------------------------------------------------------------


class RuleForm(CommunityForm):
    points_per_hour = WholeNumberField("每小时积分", validators=[between(0, 1000)])
    daily_cap = OptionalNumberField("每人每日积分上限（不填为不设上限）")
    effective_from = DayField("生效日期")
    effective_until = DayField("失效日期（不填为长期有效）")

    def validate_effective_from(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请填写生效日期")

    def validate_effective_until(self, field) -> None:
        if field.data is not None and self.effective_from.data and field.data < self.effective_from.data:
            raise ValidationError("失效日期不能早于生效日期")

    def validate_daily_cap(self, field) -> None:
        if field.data is not None and not 1 <= field.data <= 10000:
            raise ValidationError("应为 1 至 10000 之间的整数")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return check_multipliers(self) and valid


for _key, _name in CATEGORIES.items():  # a multiplier per category, in percent (blank: 100)
    setattr(RuleForm, f"multiplier_{_key}", OptionalNumberField(f"{_name}倍率（%，不填为100）"))


def rule_multipliers(form: RuleForm) -> dict[str, int]:
    return {
        key: form[f"multiplier_{key}"].data
        for key in CATEGORIES
        if form[f"multiplier_{key}"].data is not None
    }


def check_multipliers(form: RuleForm) -> bool:
    """Each multiplier given is 0..1000 (its field's error set otherwise)."""
    good = True
    for key in CATEGORIES:
        field = form[f"multiplier_{key}"]
        if field.data is not None and not 0 <= field.data <= 1000:
            field.errors = [*field.errors, "应为 0 至 1000 之间的整数"]
            good = False
    return good


class AdjustForm(FlaskForm):
    amount = SignedNumberField("调整积分（扣减填负数）")
    reason = line("调整原因", 200, required=True)

    def validate_amount(self, field) -> None:
        if field.data == 0:
            raise ValidationError("调整积分不能为 0")


MULTIPLIER_FIELDS = [f"multiplier_{key}" for key in CATEGORIES]
