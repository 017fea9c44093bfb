"""Shapes of service hours in the API: a member's hours by month with their card, the monthly unit
reports and the dashboard's figures (staff)."""

from datetime import date

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.pagination import PageArgsSchema
from cloudplatform.party.hours.queries import hours
from cloudplatform.party.models import REPORT_STATUS_NAMES
from cloudplatform.schemas import LocalDateTime, QueryId

MONTH_PATTERN = "^20[0-9]{2}-(0[1-9]|1[0-2])$"


def Hours(attribute: str, description: str, example: float) -> fields.Function:
    """Minutes shown as hours with one decimal."""
    return fields.Function(
        lambda obj: hours(obj[attribute] if isinstance(obj, dict) else getattr(obj, attribute)),
        metadata={"type": "number", "description": description, "example": example},
    )


def ReportStatus() -> fields.String:
    return fields.String(
        validate=validate.OneOf(list(REPORT_STATUS_NAMES)),
        metadata={
            "description": "pending 待审核, approved 已报到, rejected 未通过, revoked 已撤销, lapsed 已失效",
            "example": "approved",
        },
    )


def ReportStatusName() -> fields.String:
    return fields.String(
        validate=validate.OneOf(list(REPORT_STATUS_NAMES.values())),
        metadata={"description": "报到状态的中文名", "example": "已报到"},
    )


class HoursArgsSchema(ma.Schema):
    year = fields.Integer(
        load_default=None,
        validate=validate.Range(2000, 2099),
        metadata={"description": "统计年份 the year (default: this year, Beijing time)", "example": 2026},
    )


class MonthHoursSchema(ma.Schema):
    """One month's credited service."""

    month = fields.Integer(validate=validate.Range(1, 12), metadata={"description": "1–12", "example": 11})
    minutes = fields.Integer(metadata={"description": "服务时长（分钟）", "example": 270})
    hours = fields.Float(metadata={"description": "服务时长（小时，一位小数）", "example": 4.5})
    activities = fields.Integer(metadata={"description": "参加活动次数 activities attended", "example": 2})
    post_months = fields.Integer(
        metadata={"description": "岗位服务记录数 months of post service credited", "example": 1}
    )


class PartyCardSchema(ma.Schema):
    """The member's 报到 card: where they reported, as a member of which unit, and this year's hours."""

    report_id = fields.Integer(metadata={"example": 12})
    real_name = fields.String(metadata={"example": "李建国"})
    unit_id = fields.Integer(metadata={"example": 3})
    unit_name = fields.String(metadata={"example": "宝鸡市税务局高新分局"})
    community_id = fields.Integer(metadata={"example": 1})
    community_name = fields.String(metadata={"example": "火炬路社区"})
    status = ReportStatus()
    status_name = ReportStatusName()
    reported_at = LocalDateTime(
        allow_none=True,
        metadata={"description": "报到通过时间 (Beijing time)", "example": "2026-03-02T10:15:00+08:00"},
    )
    confirmed_until = LocalDateTime(
        allow_none=True,
        metadata={"description": "有效期至 (Beijing time)", "example": "2027-03-02T10:15:00+08:00"},
    )
    minutes_this_year = fields.Integer(metadata={"description": "今年服务时长（分钟）", "example": 1230})
    hours_this_year = fields.Float(metadata={"description": "今年服务时长（小时）", "example": 20.5})


class MyHoursSchema(ma.Schema):
    """The caller's service hours of a year by month, and their 报到 card."""

    year = fields.Integer(metadata={"example": 2026})
    total_minutes = fields.Integer(metadata={"description": "全年服务时长（分钟）", "example": 1230})
    total_hours = fields.Float(metadata={"description": "全年服务时长（小时）", "example": 20.5})
    months = fields.List(
        fields.Nested(MonthHoursSchema), metadata={"description": "twelve months, January first"}
    )
    card = fields.Nested(PartyCardSchema)


# -- staff: unit reports and figures ------------------------------------------------------------------


def parse_month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


class UnitReportArgsSchema(PageArgsSchema):
    month = fields.String(
        load_default=None,
        validate=validate.Regexp(MONTH_PATTERN),
        metadata={
            "description": "统计月份 YYYY-MM (default: last month, Beijing time)",
            "pattern": MONTH_PATTERN,
            "example": "2026-11",
        },
    )
    community_id = QueryId("a community of the caller's scope (the units' home)")


class BuildSchema(ma.Schema):
    month = fields.String(
        required=True,
        validate=validate.Regexp(MONTH_PATTERN),
        metadata={
            "description": "统计月份 YYYY-MM: this month so far, or a past month",
            "pattern": MONTH_PATTERN,
            "example": "2026-12",
        },
    )


class BuildResultSchema(ma.Schema):
    created = fields.Integer(metadata={"description": "reports made new", "example": 2})
    changed = fields.Integer(metadata={"description": "reports whose figures changed", "example": 1})
    unchanged = fields.Integer(metadata={"description": "reports left as they were", "example": 10})
    notified = fields.Integer(metadata={"description": "unit contacts told", "example": 3})


class UnitReportLineSchema(ma.Schema):
    """A member's line of a unit's month."""

    user_id = fields.Integer(metadata={"example": 42})
    name = fields.String(metadata={"description": "姓名（脱敏）", "example": "李**"})
    community = fields.String(metadata={"description": "居住社区", "example": "火炬路社区"})
    status = ReportStatus()
    status_name = ReportStatusName()
    activities = fields.Integer(metadata={"description": "参加活动次数", "example": 2})
    posts = fields.Integer(metadata={"description": "在岗服务岗位数", "example": 1})
    minutes = fields.Integer(metadata={"description": "服务时长（分钟）", "example": 390})
    hours = fields.Float(metadata={"description": "服务时长（小时）", "example": 6.5})


class UnitReportSchema(ma.Schema):
    """A unit's monthly report: its totals."""

    id = fields.Integer(metadata={"example": 7})
    unit_id = fields.Integer(metadata={"example": 3})
    unit_name = fields.String(attribute="unit.name", metadata={"example": "宝鸡市税务局高新分局"})
    community_id = fields.Integer(metadata={"description": "the unit's home community", "example": 1})
    month = fields.Function(
        lambda r: r.month.strftime("%Y-%m"),
        metadata={"type": "string", "pattern": MONTH_PATTERN, "example": "2026-11"},
    )
    members_reported = fields.Integer(metadata={"description": "已报到党员人数", "example": 24})
    activities_attended = fields.Integer(metadata={"description": "参加活动人次", "example": 31})
    minutes_served = fields.Integer(metadata={"description": "服务时长（分钟）", "example": 5580})
    hours_served = Hours("minutes_served", "服务时长（小时）", 93.0)


class UnitReportDetailSchema(UnitReportSchema):
    """A unit's monthly report with a line per member."""

    rows = fields.List(
        fields.Nested(UnitReportLineSchema), metadata={"description": "members, most hours first"}
    )


class PartyFiguresSchema(ma.Schema):
    """党建云's figures of a community, a street or the city."""

    name = fields.String(metadata={"example": "火炬路社区"})
    units_reported = fields.Integer(
        metadata={"description": "已报到单位 (≥1 approved member)", "example": 13}
    )
    members_reported = fields.Integer(metadata={"description": "已报到党员", "example": 350})
    activities_held = fields.Integer(metadata={"description": "已开展活动", "example": 24})
    minutes_served = fields.Integer(metadata={"description": "服务时长（分钟）", "example": 73800})
    hours_served = fields.Float(metadata={"description": "服务时长（小时）", "example": 1230.0})
    posts_claimed = fields.Integer(metadata={"description": "认领岗位（在岗与待确认）", "example": 48})


class PartyDashboardSchema(ma.Schema):
    """The figures of the caller's scope, per street and per community in it."""

    total = fields.Nested(PartyFiguresSchema)
    streets = fields.List(
        fields.Nested(PartyFiguresSchema), metadata={"description": "per street (street and city admins)"}
    )
    communities = fields.List(fields.Nested(PartyFiguresSchema), metadata={"description": "per community"})
