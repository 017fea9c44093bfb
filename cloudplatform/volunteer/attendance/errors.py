"""The errors of 志愿服务考勤与时长. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, NotFound, Unprocessable
from cloudplatform.identity.errors import ReasonRequired as ReasonRequired  # a correction, a dispute

# -- check-in and out --------------------------------------------------------------------------------


class ShiftNotFound(NotFound):
    """No such shift (or, for staff, not one of their communities)."""

    code, message = "ATTENDANCE_SHIFT_NOT_FOUND", "志愿服务班次不存在"


class ShiftCancelled(Conflict):
    """The shift was cancelled: no check-in, no hours."""

    code, message = "ATTENDANCE_SHIFT_CANCELLED", "该志愿服务班次已取消"


class NotSignedUp(Conflict):
    """The volunteer holds no place on the shift (not signed up, waiting, or withdrawn)."""

    code, message = "ATTENDANCE_NOT_SIGNED_UP", "未报名该志愿服务班次"


class VolunteerNotFound(NotFound):
    """The scanned personal code names no registered volunteer."""

    code, message = "ATTENDANCE_VOLUNTEER_NOT_FOUND", "志愿者不存在"


class CheckInClosed(Conflict):
    """Check-in opens ``check_in_margin_minutes`` before the start and closes at the end."""

    code, message = "SHIFT_CHECK_IN_CLOSED", "不在志愿服务签到时间内"


class CheckOutClosed(Conflict):
    """Check-out closes ``check_in_margin_minutes`` after the end."""

    code, message = "SHIFT_CHECK_OUT_CLOSED", "不在志愿服务签退时间内"


class AlreadyCheckedIn(Conflict):
    """The volunteer checked in already (once per sign-up)."""

    code, message = "SHIFT_ALREADY_CHECKED_IN", "您已签到"


class NotCheckedIn(Conflict):
    """A check-out without a check-in."""

    code, message = "SHIFT_NOT_CHECKED_IN", "尚未签到，不能签退"


class AlreadyCheckedOut(Conflict):
    """The volunteer checked out already (once per sign-up)."""

    code, message = "SHIFT_ALREADY_CHECKED_OUT", "已签退"


# -- hours ---------------------------------------------------------------------------------------------


class SignupNotFound(NotFound):
    """No such sign-up, or not the caller's (or, for staff, not in their communities)."""

    code, message = "ATTENDANCE_SIGNUP_NOT_FOUND", "报名记录不存在"


class NotAttended(Conflict):
    """Only a volunteer who checked in is credited hours."""

    code, message = "SHIFT_NOT_ATTENDED", "该志愿者未签到，不能确认时长"


class ShiftNotStarted(Conflict):
    """Hours are confirmed once the shift has started."""

    code, message = "SHIFT_NOT_STARTED", "志愿服务尚未开始，不能确认时长"


class AttendanceConfirmed(Conflict):
    """The attendance was confirmed already (also when two organisers confirm at once)."""

    code, message = "SHIFT_ATTENDANCE_CONFIRMED", "该出勤已确认，服务时长已记入"


class HoursNotConfirmed(Conflict):
    """Only confirmed hours are corrected or disputed."""

    code, message = "SHIFT_HOURS_NOT_CONFIRMED", "该出勤尚未确认时长"


class InvalidMinutes(Unprocessable):
    """Minutes from 0 to the shift's length."""

    code, message = "INVALID_SERVICE_MINUTES", "服务时长须在0到班次时长之间"


# -- disputes ------------------------------------------------------------------------------------------


class DisputeNotFound(NotFound):
    """No such dispute (or, for staff, not in their communities)."""

    code, message = "HOURS_DISPUTE_NOT_FOUND", "时长申诉不存在"


class AlreadyDisputed(Conflict):
    """A sign-up's hours are disputed once."""

    code, message = "HOURS_ALREADY_DISPUTED", "该服务时长已申诉过"


class DisputeWindowClosed(Conflict):
    """Hours are disputed within 30 days of their confirmation."""

    code, message = "HOURS_DISPUTE_CLOSED", "已超过时长申诉期限（确认后30天内）"


class DisputeDecided(Conflict):
    """The dispute was decided already (also when two staff decide at once)."""

    code, message = "HOURS_DISPUTE_DECIDED", "该申诉已处理"


class StillServing(Conflict):
    """Hours are confirmed once the volunteer has checked out or the shift is over: until then the time
    served is not known."""

    code, message = "ATTENDANCE_STILL_SERVING", "志愿者尚未签退且服务尚未结束，暂不能确认时长"
