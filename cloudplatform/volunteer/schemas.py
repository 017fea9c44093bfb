"""The JSON shapes of 志愿云 for the mini-program: a volunteer's profile, shifts and sign-ups, points and
hours; the staff's roster of a shift (names and phones masked) and points adjustments."""

from datetime import timedelta

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.pagination import CURSOR_PATTERN, PageArgsSchema
from cloudplatform.privacy import mask_name, mask_phone
from cloudplatform.schemas import PRINTABLE, Id, ListedSchema, LocalWhen, Named, QueryId, Text, When
from cloudplatform.volunteer.models import (
    CATEGORIES,
    DISPUTE_STATUS_NAMES,
    ENTRY_KIND_NAMES,
    SHIFT_STATUS_NAMES,
    SIGNUP_STATUS_NAMES,
    STAR_HOURS,
    VOLUNTEER_STATUS_NAMES,
)
from cloudplatform.volunteer.models import star_level as level_of
from cloudplatform.volunteer.ranking.queries import LIMIT, MEASURES, PERIOD_NAMES, SCOPE_NAMES

MAX_MINUTES = 1440  # what one shift's minutes may be at most
MAX_ADJUSTMENT = 100000


def Hours(attribute: str, example: float) -> fields.Function:
    return fields.Function(
        lambda obj: round((getattr(obj, attribute) or 0) / 60, 1),
        metadata={"type": "number", "description": "hours, one decimal", "example": example},
    )


def StatusOf(names: dict[str, str], attribute: str, example: str, **kwargs) -> fields.String:
    described = ", ".join(f"{key} {name}" for key, name in names.items())
    return fields.String(
        attribute=attribute,
        metadata={"enum": list(names), "description": described, "example": example},
        **kwargs,
    )


SKILLS = fields.List(
    fields.String(validate=[validate.Length(1, 16), validate.Regexp(PRINTABLE)]),
    validate=validate.Length(max=20),
    load_default=list,
    metadata={
        "description": "skills (at most 20 words of at most 16 characters)",
        "example": ["急救", "书法"],
    },
)


# -- the volunteer -------------------------------------------------------------------------------------


class VolunteerProfileCreateSchema(ma.Schema):
    """What a resident gives to register as a volunteer."""

    community_id = Id(
        required=True, metadata={"description": "the community the caller is a resident of", "example": 1}
    )
    real_name = Text(32, "李建国", "real name (required)", minimum=1, required=True)
    skills = SKILLS
    availability = Text(200, "周末上午", "when they can serve (free text)", load_default="")
    consent = fields.Boolean(
        required=True,
        metadata={
            "description": "accepts the volunteer terms (must be true: 422 VOLUNTEER_CONSENT_REQUIRED)",
            "example": True,
        },
    )


class VolunteerProfileSchema(ma.Schema):
    """A volunteer's own profile with their hours, points and personal QR."""

    id = fields.Integer(metadata={"description": "the volunteer", "example": 12})
    community_id = fields.Integer(metadata={"example": 1})
    community_name = fields.String(attribute="community.name", metadata={"example": "火炬路社区"})
    real_name = fields.String(metadata={"example": "李建国"})
    skills = fields.List(fields.String(), metadata={"example": ["急救", "书法"]})
    availability = fields.String(metadata={"example": "周末上午"})
    status = StatusOf(VOLUNTEER_STATUS_NAMES, "status", "active")
    status_name = Named(VOLUNTEER_STATUS_NAMES, "status", "正常", "志愿者状态的中文名")
    confirmed_minutes = fields.Integer(metadata={"description": "confirmed service minutes", "example": 750})
    confirmed_hours = Hours("confirmed_minutes", 12.5)
    star_level = fields.Function(
        lambda obj: level_of(obj.confirmed_minutes),
        metadata={
            "type": "integer",
            "description": "星级 0–5 by confirmed hours: 100, 300, 600, 1,000 and 1,500 hours for 1–5",
            "example": 0,
        },
    )
    next_star_hours = fields.Function(
        lambda obj: next((h for h in STAR_HOURS if obj.confirmed_minutes < h * 60), None),
        metadata={
            "type": "integer",
            "nullable": True,
            "description": "the confirmed hours the next star level needs (null at five stars)",
            "example": 100,
        },
    )
    ranked = fields.Boolean(
        metadata={"description": "shown on public leaderboards (the volunteer may opt out)", "example": True}
    )
    points = fields.Integer(metadata={"description": "points balance", "example": 125})
    qr_code = fields.String(
        metadata={
            "description": "the personal QR code's text (organisers scan it to record attendance); "
            "changes every 30 seconds",
            "example": "volunteer_card.12.59357281.3yZe8H6kT0aVq9XbN4mJ2w",
        }
    )
    qr_expires_in = fields.Integer(
        metadata={"description": "seconds until the QR code changes: fetch it again then", "example": 17}
    )
    consented_at = When("consented_at", "2026-12-07T00:30:00+00:00", "when they accepted the terms (UTC)")


class ShiftListArgsSchema(PageArgsSchema):
    community_id = QueryId("the caller's community (another's has no shifts for them: an empty page)")


class ShiftSchema(ListedSchema):
    """An upcoming shift as a volunteer sees it, with their own sign-up's status."""

    id = fields.Integer(metadata={"example": 31})
    project_id = fields.Integer(metadata={"example": 4})
    project_name = fields.String(metadata={"example": "四点半课堂"})
    category = StatusOf(CATEGORIES, "category", "youth")
    category_name = Named(CATEGORIES, "category", "青少年成长", "项目类别的中文名")
    place = fields.String(metadata={"example": "社区党群服务中心"})
    starts_at = When("starts_at", "2026-12-09T08:30:00+00:00", "UTC")
    ends_at = When("ends_at", "2026-12-09T10:30:00+00:00", "UTC")
    starts_at_local = LocalWhen("starts_at", "2026-12-09T16:30:00+08:00", "the start in Beijing time")
    ends_at_local = LocalWhen("ends_at", "2026-12-09T18:30:00+08:00", "the end in Beijing time")
    taken = fields.Integer(metadata={"description": "places held", "example": 5})
    capacity = fields.Integer(metadata={"description": "places", "example": 6})
    skills = fields.List(
        fields.String(),
        metadata={"description": "skills a volunteer needs (all of them)", "example": ["急救"]},
    )
    cancel_until = fields.Function(
        lambda s: (s.starts_at - timedelta(hours=s.cancel_deadline_hours)).isoformat(),
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "a place is given back until then (UTC): 409 SHIFT_CANCEL_TOO_LATE after",
            "example": "2026-12-09T06:30:00+00:00",
        },
    )
    status = StatusOf(SHIFT_STATUS_NAMES, "status", "published")
    my_status = StatusOf(SIGNUP_STATUS_NAMES, "my_status", "signed_up", allow_none=True)
    my_status_name = Named(SIGNUP_STATUS_NAMES, "my_status", "已报名", "本人报名状态的中文名（未报名为空）")


class MySignupArgsSchema(PageArgsSchema):
    active = fields.Boolean(
        load_default=True,
        metadata={
            "description": "true: sign-ups holding or awaiting a place, soonest first; false: every "
            "sign-up, latest shift first (with attendance and confirmed minutes)",
            "example": True,
        },
    )


class ShiftSignupSchema(ma.Schema):
    """The caller's sign-up for a shift: its status, the offer's deadline, attendance and minutes."""

    id = fields.Integer(metadata={"description": "the sign-up", "example": 501})
    shift_id = fields.Integer(metadata={"example": 31})
    project_name = fields.String(attribute="shift.project.name", metadata={"example": "四点半课堂"})
    place = fields.String(attribute="shift.place", metadata={"example": "社区党群服务中心"})
    starts_at = When("starts_at", "2026-12-09T08:30:00+00:00", "UTC")
    ends_at = When("ends_at", "2026-12-09T10:30:00+00:00", "UTC")
    starts_at_local = LocalWhen("starts_at", "2026-12-09T16:30:00+08:00", "the start in Beijing time")
    status = StatusOf(SIGNUP_STATUS_NAMES, "status", "signed_up")
    status_name = Named(SIGNUP_STATUS_NAMES, "status", "已报名", "报名状态的中文名")
    offered_until = When(
        "offered_until",
        "2026-12-07T02:00:00+00:00",
        "an offered place is confirmed until then (UTC); null unless offered",
        allow_none=True,
    )
    checked_in_at = When("checked_in_at", "2026-12-09T08:25:00+00:00", "UTC", allow_none=True)
    checked_out_at = When("checked_out_at", "2026-12-09T10:31:00+00:00", "UTC", allow_none=True)
    minutes = fields.Integer(
        allow_none=True,
        metadata={
            "description": "service minutes confirmed; null until an organiser confirms",
            "example": 120,
        },
    )
    confirmed_at = When("confirmed_at", "2026-12-09T11:00:00+00:00", "UTC", allow_none=True)


class PointEntrySchema(ma.Schema):
    """One row of the points ledger."""

    id = fields.Integer(metadata={"example": 88})
    kind = StatusOf(ENTRY_KIND_NAMES, "kind", "earn")
    kind_name = Named(ENTRY_KIND_NAMES, "kind", "服务获得", "积分类型的中文名")
    amount = fields.Integer(metadata={"description": "signed: credits positive", "example": 20})
    balance_after = fields.Integer(metadata={"example": 125})
    reason = fields.String(metadata={"example": ""})
    signup_id = fields.Integer(
        allow_none=True, metadata={"description": "the service rewarded", "example": 501}
    )
    created_at = When("created_at", "2026-12-09T11:00:00+00:00", "UTC")


class MyPointsSchema(ma.Schema):
    """The caller's balance and a page of their ledger, newest first."""

    balance = fields.Integer(metadata={"example": 125})
    items = fields.List(fields.Nested(PointEntrySchema), required=True)
    next_cursor = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "pass it as `cursor` for the next page; null on the last page",
            "pattern": CURSOR_PATTERN,
            "example": "WzE3XQ",
        },
    )


class VolunteerHoursTotalSchema(ma.Schema):
    period = fields.String(
        metadata={"description": "YYYY-MM (a month) or YYYY (a year)", "example": "2026-12"}
    )
    minutes = fields.Integer(metadata={"example": 240})
    hours = Hours("minutes", 4.0)
    shifts = fields.Integer(metadata={"description": "shifts confirmed", "example": 2})


class VolunteerHoursSchema(ma.Schema):
    """Confirmed hours by month and by year (of the shifts' Beijing start), latest first."""

    confirmed_minutes = fields.Integer(metadata={"description": "all confirmed minutes", "example": 750})
    confirmed_hours = Hours("confirmed_minutes", 12.5)
    months = fields.List(fields.Nested(VolunteerHoursTotalSchema))
    years = fields.List(fields.Nested(VolunteerHoursTotalSchema))


class VenueCodeSchema(ma.Schema):
    """What the volunteer's phone read from the shift's screen."""

    code = fields.String(
        required=True,
        validate=[validate.Length(1, 80), validate.Regexp(PRINTABLE)],
        metadata={
            "pattern": PRINTABLE,
            "description": "what wx.scanCode read from the shift's screen (签到码, changes every 30 s)",
            "example": "volunteer_shift.31.59357281.3yZe8H6kT0aVq9XbN4mJ2w",
        },
    )
    action = fields.String(
        required=True,
        validate=validate.OneOf(["check_in", "check_out"]),
        metadata={"description": "check_in 签到, check_out 签退", "example": "check_in"},
    )


class DisputeCreateSchema(ma.Schema):
    reason = Text(500, "实际服务到18:30，少记了半小时", "why the minutes are wrong (required)", required=True)
    claimed_minutes = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(0, MAX_MINUTES),
        metadata={"description": "the minutes the volunteer says they served (optional)", "example": 150},
    )


class DisputeSchema(ma.Schema):
    """A volunteer's objection to the minutes confirmed for a sign-up, and its decision."""

    id = fields.Integer(metadata={"example": 9})
    signup_id = fields.Integer(metadata={"example": 501})
    status = StatusOf(DISPUTE_STATUS_NAMES, "status", "open")
    status_name = Named(DISPUTE_STATUS_NAMES, "status", "待处理", "申诉状态的中文名")
    reason = fields.String(metadata={"example": "实际服务到18:30，少记了半小时"})
    claimed_minutes = fields.Integer(allow_none=True, metadata={"example": 150})
    minutes_before = fields.Integer(metadata={"example": 120})
    minutes_after = fields.Integer(allow_none=True, metadata={"example": None})
    decision_note = fields.String(metadata={"example": ""})
    created_at = When("created_at", "2026-12-10T01:00:00+00:00", "UTC")
    decided_at = When("decided_at", "2026-12-11T01:00:00+00:00", "UTC", allow_none=True)


# -- staff ----------------------------------------------------------------------------------------------


class VolunteerScanSchema(ma.Schema):
    """What the organiser's phone read from a volunteer's personal QR."""

    code = fields.String(
        required=True,
        validate=[validate.Length(1, 80), validate.Regexp(PRINTABLE)],
        metadata={
            "pattern": PRINTABLE,
            "description": "what wx.scanCode read from the volunteer's personal QR (changes every 30 s)",
            "example": "volunteer_card.12.59357281.3yZe8H6kT0aVq9XbN4mJ2w",
        },
    )


class ShiftConfirmAllSchema(ma.Schema):
    confirmed = fields.Integer(
        metadata={"description": "sign-ups confirmed now (those confirmed before are left)", "example": 8}
    )


class ShiftHoursCorrectionSchema(ma.Schema):
    minutes = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(0, MAX_MINUTES),
        metadata={"description": "the minutes to credit instead (at most the shift's length)", "example": 90},
    )
    reason = Text(200, "提前离场半小时", "why (required; audited)", minimum=1, required=True)


class DisputeDecisionSchema(ma.Schema):
    uphold = fields.Boolean(
        required=True,
        metadata={"description": "true: correct the minutes; false: they stand", "example": True},
    )
    note = Text(
        500,
        "经核实签退记录，更正为150分钟",
        "the decision's reason, told to the volunteer",
        minimum=1,
        required=True,
    )
    minutes = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(0, MAX_MINUTES),
        metadata={"description": "upheld: the minutes to credit (default: those claimed)", "example": 150},
    )


class RosterSignupSchema(ma.Schema):
    """A sign-up on a shift's roster: the volunteer masked, their status and attendance."""

    id = fields.Integer(metadata={"description": "the sign-up", "example": 501})
    volunteer_id = fields.Integer(metadata={"example": 12})
    name = fields.Function(
        lambda s: mask_name(s.volunteer.real_name),
        metadata={"type": "string", "description": "masked", "example": "李**"},
    )
    phone = fields.Function(
        lambda s: mask_phone(s.volunteer.phone),
        metadata={"type": "string", "description": "masked", "example": "138****1234"},
    )
    status = StatusOf(SIGNUP_STATUS_NAMES, "status", "signed_up")
    status_name = Named(SIGNUP_STATUS_NAMES, "status", "已报名", "报名状态的中文名")
    offered_until = When("offered_until", "2026-12-07T02:00:00+00:00", "UTC", allow_none=True)
    checked_in_at = When("checked_in_at", "2026-12-09T08:25:00+00:00", "UTC", allow_none=True)
    checked_out_at = When("checked_out_at", "2026-12-09T10:31:00+00:00", "UTC", allow_none=True)
    minutes = fields.Integer(allow_none=True, metadata={"description": "confirmed minutes", "example": 120})
    confirmed_at = When("confirmed_at", "2026-12-09T11:00:00+00:00", "UTC", allow_none=True)
    created_at = When("created_at", "2026-12-07T00:40:00+00:00", "when they signed up (UTC)")


class RosterSchema(ShiftSchema):
    """A shift for its organisers: those holding a place and the waitlist in its order."""

    class Meta:
        exclude = ("my_status", "my_status_name", "category", "category_name")

    community_id = fields.Integer(metadata={"example": 1})
    project_name = fields.String(attribute="project.name", metadata={"example": "四点半课堂"})
    signups = fields.List(fields.Nested(RosterSignupSchema))
    waitlist = fields.List(fields.Nested(RosterSignupSchema))


class PointsAdjustmentSchema(ma.Schema):
    user_id = Id(required=True, metadata={"description": "the volunteer's user", "example": 42})
    amount = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(-MAX_ADJUSTMENT, MAX_ADJUSTMENT),
        metadata={
            "description": "points to add (negative: to take); 0 answers 422 INVALID_POINTS_AMOUNT",
            "example": 10,
        },
    )
    reason = Text(200, "协助组织社区活动", "why (required; audited)", minimum=1, required=True)


class StaffPointEntrySchema(PointEntrySchema):
    user_id = fields.Integer(metadata={"example": 42})


# -- 志愿云 II: leaderboards ------------------------------------------------------------------------------


class LeaderboardArgsSchema(ma.Schema):
    scope = fields.String(
        load_default="community",
        validate=validate.OneOf(list(SCOPE_NAMES)),
        metadata={
            "description": "community 本社区, street 本街道, city 全市 (the caller's)",
            "example": "community",
        },
    )
    period = fields.String(
        load_default="month",
        validate=validate.OneOf(list(PERIOD_NAMES)),
        metadata={"description": "month 本月, year 本年, all 累计 (Beijing calendar)", "example": "month"},
    )
    by = fields.String(
        load_default="hours",
        validate=validate.OneOf(list(MEASURES)),
        metadata={
            "description": "hours: confirmed service hours; points: points earned by service",
            "example": "hours",
        },
    )
    limit = fields.Integer(
        load_default=LIMIT,
        validate=validate.Range(1, 100),
        metadata={"description": "how many lines from the top", "example": 20},
    )


class RankedSchema(ma.Schema):
    rank = fields.Integer(
        allow_none=True,
        metadata={
            "description": "1 + how many are ahead (ties share a rank); the caller's line: null when they "
            "opted out of leaderboards or served nothing in the period",
            "example": 1,
        },
    )
    name = fields.String(
        metadata={"description": "masked, except on the caller's own line", "example": "周**"}
    )
    community_name = fields.String(metadata={"example": "火炬路社区"})
    star_level = fields.Integer(metadata={"description": "星级 0–5 by all confirmed hours", "example": 1})
    minutes = fields.Integer(metadata={"description": "confirmed minutes in the period", "example": 840})
    hours = Hours("minutes", 14.0)
    points = fields.Integer(
        metadata={"description": "points earned by service in the period", "example": 140}
    )
    rank_beyond = fields.Integer(
        allow_none=True,
        metadata={
            "description": "the caller's line, far down a board: more than this many are ahead, `rank` is "
            "null (show “1000名以外”); exact ranks are counted within the first 1,000",
            "example": None,
        },
    )


class LeaderboardSchema(ma.Schema):
    """A leaderboard and the caller's line."""

    scope = fields.String(metadata={"enum": list(SCOPE_NAMES), "example": "community"})
    scope_name = fields.Function(
        lambda b: SCOPE_NAMES[b.scope], metadata={"type": "string", "example": "本社区"}
    )
    period = fields.String(metadata={"description": "all, a year or a month", "example": "2026-12"})
    by = fields.String(metadata={"enum": list(MEASURES), "example": "hours"})
    top = fields.List(
        fields.Nested(RankedSchema), metadata={"description": "the first `limit` lines, best first"}
    )
    me = fields.Nested(RankedSchema)
    ranked = fields.Boolean(
        metadata={"description": "the caller appears on public leaderboards", "example": True}
    )


class RankingChoiceSchema(ma.Schema):
    ranked = fields.Boolean(
        required=True,
        metadata={"description": "false: leave public leaderboards (true: appear again)", "example": False},
    )


# -- 志愿云 II: 优秀志愿者 ------------------------------------------------------------------------------


class RecognitionArgsSchema(ma.Schema):
    community_id = QueryId("the community whose outstanding volunteers to list", required=True)
    year = fields.Integer(
        load_default=None,
        validate=validate.Range(2000, 2100),
        metadata={
            "description": "the year (default: the latest year the community published)",
            "example": 2026,
        },
    )


class RecognisedSchema(ma.Schema):
    name = fields.String(metadata={"description": "masked", "example": "周**"})
    star_level = fields.Integer(metadata={"description": "星级 0–5 by all confirmed hours", "example": 1})
    minutes = fields.Integer(metadata={"description": "confirmed minutes in the year", "example": 6600})
    hours = Hours("minutes", 110.0)
    citation = fields.String(
        metadata={"description": "why, in a sentence", "example": "常年坚持为独居老人送餐"}
    )
    published_at = When("published_at", "2026-12-20T02:00:00+00:00", "when the community published it")


class RecognitionListSchema(ma.Schema):
    """A community's outstanding volunteers (优秀志愿者) of a year, as published."""

    community_id = fields.Integer(metadata={"example": 1})
    community_name = fields.String(metadata={"example": "火炬路社区"})
    year = fields.Integer(
        allow_none=True, metadata={"description": "null: the community has published none", "example": 2026}
    )
    volunteers = fields.List(
        fields.Nested(RecognisedSchema), metadata={"description": "by hours served in the year, most first"}
    )
