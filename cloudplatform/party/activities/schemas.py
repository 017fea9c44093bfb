from datetime import UTC, datetime, timedelta

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.clock import LOCAL_TZ
from cloudplatform.pagination import PageArgsSchema
from cloudplatform.party.models import (
    ACTIVITY_AUDIENCES,
    ACTIVITY_KINDS,
    CANCELLED,
    COMMUNITY_MEMBERS,
    PUBLISHED,
    SIGNUP_STATUS_NAMES,
    THEME_DAY,
)
from cloudplatform.schemas import Id, ListedSchema, LocalWhen, Named, QueryId, Text, When

MAX_MINUTES = 1440 * 31  # what one record of service hours may hold
FIRST, LAST = datetime(1999, 12, 31, tzinfo=UTC), datetime(2100, 1, 2, tzinfo=UTC)  # any time of 20xx
ACTIVITY_STATUS_NAMES = {PUBLISHED: "报名中", CANCELLED: "已取消"}


def Moment(description: str, example: str) -> fields.AwareDateTime:
    """A time the staff enter: ISO 8601 of this century, Beijing time when it names no zone."""
    return fields.AwareDateTime(
        required=True,
        default_timezone=LOCAL_TZ,
        validate=validate.Range(FIRST, LAST),
        metadata={"description": description, "pattern": "^20[0-9]{2}-", "example": example},
    )


def SignupStatus(attribute: str = "status", **kwargs) -> fields.String:
    return fields.String(
        attribute=attribute,
        metadata={
            "enum": list(SIGNUP_STATUS_NAMES),
            "description": "signed_up 已报名, waiting 候补中, withdrawn 已取消, walk_in 现场签到",
            "example": "signed_up",
        },
        **kwargs,
    )


class ActivityCreateSchema(ma.Schema):
    """What staff set on an activity."""

    community_id = Id(required=True, metadata={"description": "a community the caller serves", "example": 1})
    title = Text(64, "十二月主题党日", minimum=1, required=True)
    kind = fields.String(
        load_default=THEME_DAY,
        validate=validate.OneOf(list(ACTIVITY_KINDS)),
        metadata={
            "description": "theme_day 主题党日, volunteering 志愿服务, study 党员学习",
            "example": "theme_day",
        },
    )
    description = fields.String(
        load_default="",
        validate=validate.Length(max=2000),  # control characters are refused for every field
        metadata={"example": "学习党的二十届三中全会精神，开展社区清洁行动。"},
    )
    venue = Text(128, "社区党群服务中心二楼会议室", load_default="")
    starts_at = Moment("start, ISO 8601 (Beijing time when no zone is given)", "2026-12-12T09:00:00+08:00")
    ends_at = Moment("end, after the start", "2026-12-12T11:00:00+08:00")
    capacity = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 10000),
        metadata={"description": "places", "example": 30},
    )
    audience = fields.String(
        load_default=COMMUNITY_MEMBERS,
        validate=validate.OneOf(list(ACTIVITY_AUDIENCES)),
        metadata={
            "description": "who may sign up: community 本社区党员, unit 指定单位党员 (unit_id), "
            "everyone 全体党员",
            "example": "community",
        },
    )
    unit_id = Id(
        load_default=None,
        allow_none=True,
        metadata={"description": "the unit whose members may sign up (audience unit)", "example": None},
    )
    walk_ins = fields.Boolean(
        load_default=False,
        metadata={
            "description": "party members of the community may check in without signing up",
            "example": True,
        },
    )
    counts_actual_time = fields.Boolean(
        load_default=False,
        metadata={
            "description": "hours from check-in to check-out instead of the planned time",
            "example": False,
        },
    )
    cancel_deadline_hours = fields.Integer(
        load_default=2,
        strict=True,
        validate=validate.Range(0, 720),
        metadata={"description": "members cancel until this many hours before the start", "example": 2},
    )
    check_in_margin_minutes = fields.Integer(
        load_default=30,
        strict=True,
        validate=validate.Range(0, 720),
        metadata={"description": "check-in opens this many minutes before the start", "example": 30},
    )


class ActivityUpdateSchema(ActivityCreateSchema):
    """The fields of an activity to change (load it with ``partial=True``: every field optional)."""

    class Meta:
        exclude = ("community_id",)


class ActivityCancelSchema(ma.Schema):
    reason = Text(60, "因天气原因", "told to the members (optional)", load_default="")


class PartyActivitySchema(ListedSchema):
    """An activity as a member sees it: when, where, places left and the member's own sign-up."""

    id = fields.Integer(metadata={"example": 7})
    community_id = fields.Integer(metadata={"example": 1})
    title = fields.String(metadata={"example": "十二月主题党日"})
    kind = fields.String(metadata={"enum": list(ACTIVITY_KINDS), "example": "theme_day"})
    kind_name = Named(ACTIVITY_KINDS, "kind", "主题党日", "活动类型的中文名")
    description = fields.String(metadata={"example": "学习党的二十届三中全会精神，开展社区清洁行动。"})
    venue = fields.String(metadata={"example": "社区党群服务中心二楼会议室"})
    starts_at = When("starts_at", "2026-12-12T01:00:00+00:00", "UTC")
    ends_at = When("ends_at", "2026-12-12T03:00:00+00:00", "UTC")
    starts_at_local = LocalWhen("starts_at", "2026-12-12T09:00:00+08:00", "the start in Beijing time")
    ends_at_local = LocalWhen("ends_at", "2026-12-12T11:00:00+08:00", "the end in Beijing time")
    capacity = fields.Integer(metadata={"description": "places", "example": 30})
    signed_up = fields.Integer(metadata={"description": "places taken", "example": 29})
    places_left = fields.Function(
        lambda a: max(0, a.capacity - a.signed_up),
        metadata={
            "type": "integer",
            "minimum": 0,
            "description": "places still free (0: sign-ups wait)",
            "example": 1,
        },
    )
    audience = fields.String(metadata={"enum": list(ACTIVITY_AUDIENCES), "example": "community"})
    audience_name = Named(ACTIVITY_AUDIENCES, "audience", "本社区党员", "参与对象的中文名")
    unit_id = fields.Integer(
        allow_none=True, metadata={"description": "audience unit's unit", "example": None}
    )
    walk_ins = fields.Boolean(
        metadata={"description": "members of the community may just come", "example": True}
    )
    counts_actual_time = fields.Boolean(
        metadata={"description": "check out too: hours count from check-in to check-out", "example": False}
    )
    cancel_until = fields.Function(
        lambda a: (a.starts_at - timedelta(hours=a.cancel_deadline_hours)).isoformat(),
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "取消报名截止 (UTC): 409 SIGNUP_CANCEL_TOO_LATE after",
            "example": "2026-12-11T23:00:00+00:00",
        },
    )
    check_in_from = fields.Function(
        lambda a: (a.starts_at - timedelta(minutes=a.check_in_margin_minutes)).isoformat(),
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "签到开始 (UTC): check-in is open from then until the end",
            "example": "2026-12-12T00:30:00+00:00",
        },
    )
    status = fields.String(
        metadata={
            "enum": list(ACTIVITY_STATUS_NAMES),
            "description": "published 报名中, cancelled 已取消",
            "example": "published",
        }
    )
    status_name = Named(ACTIVITY_STATUS_NAMES, "status", "报名中", "活动状态的中文名")
    my_status = fields.String(
        allow_none=True,
        metadata={
            "enum": [*SIGNUP_STATUS_NAMES, None],
            "description": "the caller's sign-up: signed_up 已报名, waiting 候补中, walk_in 现场签到; "
            "null: none",
            "example": "signed_up",
        },
    )
    my_status_name = Named(SIGNUP_STATUS_NAMES, "my_status", "已报名", "本人报名状态的中文名（未报名为空）")


class PartyStaffActivitySchema(PartyActivitySchema):
    """An activity as staff see it, with the length of its waitlist."""

    class Meta:
        exclude = ("my_status", "my_status_name")

    waiting = fields.Integer(metadata={"description": "members on the waitlist", "example": 3})
    created_at = When("created_at", "2026-12-07T00:30:00+00:00", "UTC")


class MemberActivityListArgsSchema(PageArgsSchema):
    upcoming = fields.Boolean(
        load_default=True,
        metadata={
            "description": "true: activities not over yet, soonest first; false: past ones, latest first",
            "example": True,
        },
    )


class StaffActivityListArgsSchema(PageArgsSchema):
    community_id = QueryId("only this community's (one the caller serves)")


class ActivityVenueCodeSchema(ma.Schema):
    """A venue code the member scanned."""

    venue_code = fields.String(
        required=True,
        validate=validate.Length(1, 80),
        metadata={
            "description": "what wx.scanCode read from the activity's screen (签到码, changes every 30 s)",
            "example": "party_activity.7.59357281.3yZe8H6kT0aVq9XbN4mJ2w",
        },
    )


class PartyAttendanceSchema(ma.Schema):
    """The member's own attendance at an activity after a check-in or check-out."""

    id = fields.Integer(metadata={"description": "the sign-up", "example": 501})
    activity_id = fields.Integer(metadata={"example": 7})
    activity_title = fields.String(attribute="activity.title", metadata={"example": "十二月主题党日"})
    status = SignupStatus()
    status_name = Named(SIGNUP_STATUS_NAMES, "status", "已报名", "报名状态的中文名")
    checked_in_at = When("checked_in_at", "2026-12-12T00:55:00+00:00", "UTC", allow_none=True)
    checked_out_at = When(
        "checked_out_at", "2026-12-12T03:02:00+00:00", "UTC; null until checked out", allow_none=True
    )


class PartySignupSchema(PartyAttendanceSchema):
    """A sign-up as staff see it: the member, their attendance and the minutes credited."""

    class Meta:
        exclude = ("activity_title",)

    user_id = fields.Integer(metadata={"example": 42})
    nickname = fields.String(attribute="user.nickname", metadata={"example": "李建国"})
    created_at = When("created_at", "2026-12-07T00:40:00+00:00", "when they signed up (UTC)")
    minutes = fields.Integer(
        allow_none=True,
        metadata={"description": "service minutes credited; null until staff confirm", "example": 120},
    )


class ConfirmAllSchema(ma.Schema):
    credited = fields.Integer(
        metadata={
            "description": "members whose hours were credited now (the others were already)",
            "example": 42,
        }
    )


class HoursCorrectionSchema(ma.Schema):
    minutes = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(0, MAX_MINUTES),
        metadata={"description": "the minutes to credit instead", "example": 90},
    )
    reason = Text(
        200, "提前离场半小时", "why (required: 422 REASON_REQUIRED when blank; audited)", required=True
    )
