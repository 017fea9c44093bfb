"""The errors of 志愿项目 and 班次. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, NotFound, Unprocessable


class ProjectNotFound(NotFound):
    """No such project (or, for staff, not one of their communities)."""

    code, message = "VOLUNTEER_PROJECT_NOT_FOUND", "志愿项目不存在"


class InvalidProjectFields(Unprocessable):
    """A project without a name, or with a category that is not one of the four."""

    code, message = "INVALID_VOLUNTEER_PROJECT", "志愿项目信息填写有误"


class ProjectClosed(Conflict):
    """The project has ended: it takes no new shifts and does not change."""

    code, message = "VOLUNTEER_PROJECT_CLOSED", "志愿项目已结束"


class ShiftNotFound(NotFound):
    """No such shift, or not one of the volunteer's community (or, for staff, not in their communities)."""

    code, message = "SHIFT_NOT_FOUND", "志愿服务班次不存在"


class InvalidShiftTime(Unprocessable):
    """A shift starts in the future and ends after it starts."""

    code, message = "SHIFT_TIME_INVALID", "班次时间有误：开始时间须晚于当前时间且早于结束时间"


class InvalidShiftFields(Unprocessable):
    """A shift without a place, with a capacity outside 1–500, or skills that are not short words."""

    code, message = "INVALID_SHIFT", "班次信息填写有误"


class ShiftCancelled(Conflict):
    """The shift was cancelled."""

    code, message = "SHIFT_CANCELLED", "该班次已取消"


class ShiftStarted(Conflict):
    """The shift has started: it no longer changes."""

    code, message = "SHIFT_STARTED", "该班次已开始"


class ShiftClosed(Conflict):
    """The shift takes no sign-ups: cancelled or started."""

    code, message = "SHIFT_CLOSED", "该班次已停止报名"


class CapacityBelowTaken(Conflict):
    """Fewer places than volunteers holding one."""

    code, message = "SHIFT_CAPACITY_BELOW_TAKEN", "名额不能少于已报名人数"


class SkillsMissing(Conflict):
    """The volunteer lacks skills the shift needs (``details.missing``)."""

    code, message = "SHIFT_SKILLS_MISSING", "您不具备该班次要求的技能"


class ShiftOverlaps(Conflict):
    """The volunteer holds (or waits for) a place on another shift at the same time."""

    code, message = "SHIFT_OVERLAPS", "您在该时段已报名其他班次"


class AlreadySignedUpShift(Conflict):
    """The volunteer holds a place, an offer or a waiting place on the shift already."""

    code, message = "SHIFT_ALREADY_SIGNED_UP", "您已报名该班次，请勿重复报名"


class ShiftSignupNotFound(NotFound):
    """The volunteer holds no place, offer or waiting place on the shift."""

    code, message = "SHIFT_SIGNUP_NOT_FOUND", "未找到您的报名记录"


class ShiftCancelTooLate(Conflict):
    """Places are given back until ``cancel_deadline_hours`` before the shift starts."""

    code, message = "SHIFT_CANCEL_TOO_LATE", "已过取消报名截止时间"


class OfferExpired(Conflict):
    """No offer of a place to confirm: it lapsed (not confirmed in time) or was never made."""

    code, message = "SHIFT_OFFER_EXPIRED", "递补名额已失效"
