"""Forms of the booking console and the parsing of opening hours ("周一 09:00-12:00 14:00-17:00")."""

import re
from collections import defaultdict
from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from admin.forms import optional_int, printable_line, printable_text, strip
from cloudplatform.clock import local, now
from cloudplatform.service.bookings.models import Bookable, OpeningHours

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # days the day view and closures accept
WEEKDAYS = "一二三四五六日"  # 周一 … 周日, weekday 0 … 6
HOURS_LINE = re.compile(r"周([一二三四五六日])((?:[ \t\u3000]+[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2})+)")
PERIOD = re.compile(r"([0-9]{2}:[0-9]{2})-([0-9]{2}:[0-9]{2})")

# -- forms -----------------------------------------------------------------------------------------


def between(low: int, high: int):
    def check(form, field) -> None:
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(f"应为 {low} 至 {high} 之间的整数")

    return check


class WholeNumberField(IntegerField):
    """A required whole number, refused in Chinese (wtforms' own messages are English)."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        if not re.fullmatch(r"[0-9]{1,6}", text):
            self.data = None
            raise ValueError("请填写整数")
        self.data = int(text)


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD day within the years the console handles, else None."""
    if not text or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


class DayField(StringField):
    """An <input type=date>: ``data`` is a date or None."""

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        self.data = parse_day(text)
        if text.strip() and self.data is None:
            raise ValueError("日期格式应为 年-月-日")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""


class BookableForm(FlaskForm):
    """A service's description and rules; ``create_bookable``/``update_bookable`` take them as they are."""

    name = StringField(
        "事项名称",
        filters=[strip],
        validators=[
            DataRequired("请填写事项名称"),
            Length(max=64, message="事项名称不能超过 64 字"),
            printable_line,
        ],
    )
    description = TextAreaField(
        "说明", filters=[strip], validators=[Length(max=2000, message="说明不能超过 2000 字"), printable_text]
    )
    location = StringField(
        "办理地点",
        filters=[strip],
        validators=[Length(max=128, message="办理地点不能超过 128 字"), printable_line],
    )
    slot_minutes = WholeNumberField("每个时段的时长（分钟）", validators=[between(5, 480)])
    capacity = WholeNumberField("每个时段可预约人数", validators=[between(1, 500)])
    min_notice_hours = WholeNumberField("至少提前几小时预约", validators=[between(0, 720)])
    max_advance_days = WholeNumberField("最多提前几天预约", validators=[between(0, 60)])
    max_active_per_user = WholeNumberField("每位居民最多同时持有几个预约", validators=[between(1, 20)])
    cancel_cutoff_hours = WholeNumberField("开始前几小时起不能取消", validators=[between(0, 720)])
    requires_approval = BooleanField("预约需工作人员审核")
    active = BooleanField("启用（居民可以看到并预约）")


FIELDS = (
    "name",
    "description",
    "location",
    "slot_minutes",
    "capacity",
    "min_notice_hours",
    "max_advance_days",
    "max_active_per_user",
    "cancel_cutoff_hours",
    "requires_approval",
    "active",
)
# a new service's form starts from the model's column defaults
DEFAULTS = {name: column.default.arg for name in FIELDS if (column := Bookable.__table__.c[name]).default}


class BookableCreateForm(BookableForm):
    community_id = SelectField("社区", coerce=optional_int, validate_choice=False)

    def validate_community_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("请选择社区")


def parse_hours(text: str, slot_minutes: int) -> list[tuple[int, int, int]]:
    """Lines such as "周一 09:00-12:00 14:00-17:00" → sorted (weekday, opens_minute, closes_minute).

    :raises ValidationError: naming the first wrong line, in Chinese.
    """
    periods: list[tuple[int, int, int]] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        match = HOURS_LINE.fullmatch(line)
        if match is None:
            raise ValidationError(f"第 {number} 行应写作“周一 09:00-12:00”（同一天的多个时段以空格分隔）")
        weekday = WEEKDAYS.index(match[1])
        for opens_text, closes_text in PERIOD.findall(match[2]):
            opens, closes = minute_of(opens_text), minute_of(closes_text)
            period = f"周{match[1]} {opens_text}-{closes_text}"
            if opens is None or closes is None:
                raise ValidationError(f"第 {number} 行：{period} 的时间应在 00:00 至 24:00 之间")
            if opens >= closes:
                raise ValidationError(f"第 {number} 行：{period} 的结束时间应晚于开始时间")
            if closes - opens < slot_minutes:
                raise ValidationError(f"第 {number} 行：{period} 不足一个预约时段（{slot_minutes} 分钟）")
            if any(w == weekday and o < closes and opens < c for w, o, c in periods):
                raise ValidationError(f"第 {number} 行：{period} 与同一天的其他时段重叠")
            periods.append((weekday, opens, closes))
    return sorted(periods)


def minute_of(text: str) -> int | None:
    hours, minutes = int(text[:2]), int(text[3:])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_hours(hours: list[OpeningHours]) -> str:
    """The editor's text: one line per weekday, its periods in order."""
    by_day = defaultdict(list)
    for h in sorted(hours, key=lambda h: (h.weekday, h.opens_minute)):
        by_day[h.weekday].append(f"{hhmm(h.opens_minute)}-{hhmm(h.closes_minute)}")
    return "\n".join(f"周{WEEKDAYS[day]} {' '.join(periods)}" for day, periods in by_day.items())


class HoursForm(FlaskForm):
    hours = TextAreaField("每周开放时间", validators=[Length(max=2000, message="内容过长")])

    def __init__(self, *args, slot_minutes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot_minutes = slot_minutes
        self.periods: list[tuple[int, int, int]] = []

    def validate_hours(self, field) -> None:
        self.periods = parse_hours(field.data or "", self.slot_minutes)


class ClosureForm(FlaskForm):
    day = DayField("日期")
    reason = StringField(
        "原因",
        filters=[strip],
        validators=[DataRequired("请填写原因"), Length(max=64, message="原因不能超过 64 字"), printable_line],
    )

    def validate_day(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请选择日期")
        if field.data is not None and field.data < local(now()).date():
            raise ValidationError("不能为已经过去的日期设置暂停服务")


class CheckInForm(FlaskForm):
    qr_token = StringField(
        "预约码",
        filters=[strip],
        validators=[DataRequired("请扫描或输入预约码"), Length(16, 64, message="预约码无效")],
    )
