"""Forms of the 困难救助 console: the decisions on a case (each carries the status the page showed as
``seen``), objections' answers, the home visit with its photos, and the categories. They check shape;
the operations decide what is allowed."""

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from admin.bookings.forms import DayField, WholeNumberField, between
from admin.forms import FilesField, printable_text, strip
from admin.notices.forms import CheckboxesField
from admin.party.forms import line

NOTE_LENGTH, REASON_LENGTH, ITEMS_LENGTH = 500, 500, 200
MAX_YUAN = 10_000_000  # ten million yuan: far above any category's ceiling


def parse_yuan(text: str) -> int | None:
    """ "1234.5" 元 → 123450 fen; None for anything that is not an amount with at most two decimals."""
    text = text.strip().replace(",", "")
    if not re.fullmatch(r"[0-9]{1,8}(\.[0-9]{1,2})?", text):
        return None
    whole, _, cents = text.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


class YuanField(StringField):
    """An amount in 元 (two decimals at most); ``data`` is in fen, or None when left empty."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.raw_data = valuelist
        if not text:
            self.data = None
            return
        self.data = parse_yuan(text)
        if self.data is None or self.data > MAX_YUAN * 100:
            self.data = None
            raise ValueError("请填写金额（元），最多两位小数")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data / 100:.2f}" if self.data is not None else ""


def required_amount(form, field) -> None:
    if field.data is None and not field.errors:
        raise ValidationError("请填写金额（元）")


class StepForm(FlaskForm):
    """A decision: the status the page showed (a stale page's decision is refused) and a note."""

    seen = HiddenField()
    note = TextAreaField(
        "说明",
        filters=[strip],
        validators=[Length(max=NOTE_LENGTH, message=f"说明不能超过 {NOTE_LENGTH} 字"), printable_text],
    )


class MaterialsForm(StepForm):
    """List every missing material at once: the checklist's items ticked, and any other in free text."""

    missing = CheckboxesField("缺少的材料", validate_choice=False)
    other = line("其他需补正的材料（多项用顿号分隔）", 200)

    def items(self) -> list[str]:
        extra = [part.strip() for part in re.split(r"[、，,;；\n]", self.other.data or "")]
        return [*(self.missing.data or []), *(part for part in extra if part)]


class AmountForm(StepForm):
    """公示 or forwarding with the proposed aid (optional when forwarding)."""

    proposed_amount = YuanField("拟救助金额（元）")


class RejectForm(StepForm):
    reason = TextAreaField(
        "驳回理由",
        filters=[strip],
        validators=[
            DataRequired("请填写驳回理由"),
            Length(max=REASON_LENGTH, message=f"驳回理由不能超过 {REASON_LENGTH} 字"),
            printable_text,
        ],
    )


class GrantForm(StepForm):
    amount = YuanField("救助金额（元）")
    items = line("实物救助", ITEMS_LENGTH)

    def validate_items(self, field) -> None:
        if self.amount.data is None and not field.data and not self.amount.errors:
            raise ValidationError("请填写救助金额或实物")


class EmergencyForm(StepForm):
    amount = YuanField("先行救助金额（元）", validators=[required_amount])


class VisitForm(FlaskForm):
    notes = TextAreaField(
        "入户核查情况",
        filters=[strip],
        validators=[
            DataRequired("请填写入户核查情况"),
            Length(max=2000, message="入户核查情况不能超过 2000 字"),
            printable_text,
        ],
    )
    photos = FilesField("入户照片（JPEG 或 PNG，可多选）")


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        "答复",
        filters=[strip],
        validators=[
            DataRequired("请填写答复内容"),
            Length(max=1000, message="答复不能超过 1000 字"),
            printable_text,
        ],
    )


class CategoryForm(FlaskForm):
    """A category of aid: its checklist one item per line, its steps, deadline and ceiling."""

    name = line("名称", 32, required=True)
    description = TextAreaField(
        "适用情形",
        filters=[strip],
        validators=[Length(max=1000, message="适用情形不能超过 1000 字"), printable_text],
    )
    materials = TextAreaField(
        "所需材料（每行一项）",
        filters=[strip],
        validators=[Length(max=1000, message="所需材料不能超过 1000 字"), printable_text],
    )
    needs_visit = BooleanField("需要入户核查")
    publicity_days = WholeNumberField("公示天数（0 为不公示）", validators=[between(0, 60)])
    deadline_working_days = WholeNumberField("办理时限（工作日）", validators=[between(1, 120)])
    emergency_allowed = BooleanField("允许先行救助")
    max_amount = YuanField("金额上限（元，留空为不设上限）")
    active = BooleanField("启用")
    sort = WholeNumberField("排序", validators=[between(0, 999)])

    def validate_materials(self, field) -> None:
        items = self.checklist()
        if any(len(item) > 32 for item in items):
            raise ValidationError("每项材料不能超过 32 字")
        if len(items) > 20:
            raise ValidationError("所需材料最多 20 项")

    def checklist(self) -> list[str]:
        return [item.strip() for item in (self.materials.data or "").splitlines() if item.strip()]

    def fields(self) -> dict:
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "materials": self.checklist(),
            "needs_visit": bool(self.needs_visit.data),
            "publicity_days": self.publicity_days.data,
            "deadline_working_days": self.deadline_working_days.data,
            "emergency_allowed": bool(self.emergency_allowed.data),
            "max_amount": self.max_amount.data,
            "active": bool(self.active.data),
            "sort": self.sort.data,
        }


class CalendarDayForm(FlaskForm):
    """A date of the holiday calendar: a holiday, or a weekend day that is worked (调休)."""

    day = DayField("日期")
    workday = SelectField("类型", choices={"0": "放假", "1": "调休上班"}, validate_choice=False)
    name = line("名称（如 春节）", 32)

    def validate_day(self, field) -> None:
        if field.data is None:
            raise ValidationError("请选择日期")

    def validate_workday(self, field) -> None:
        if field.data not in ("0", "1"):
            raise ValidationError("请选择类型")


class ClearDayForm(FlaskForm):
    day = DayField("日期")

    def validate_day(self, field) -> None:
        if field.data is None:
            raise ValidationError("请选择日期")
