"""The errors of 党建云. Their codes are part of the API contract (the mini-program switches on them)."""

from cloudplatform.errors import Conflict, Forbidden, NotFound, Unprocessable
from cloudplatform.identity.errors import ReasonRequired as ReasonRequired  # a rejection, a correction

# -- units and reports -------------------------------------------------------------------------------


class UnitNotFound(NotFound):
    """No such unit, or not one open to the community (or, for staff, not in their communities)."""

    code, message = "UNIT_NOT_FOUND", "单位党组织不存在"


class ReportNotFound(NotFound):
    """No such report, or not the caller's (or, for staff, not in their communities)."""

    code, message = "REPORT_NOT_FOUND", "报到记录不存在"


class NotResident(Forbidden):
    """Only a verified resident of a community reports to it."""

    code, message = "NOT_RESIDENT", "请先完成本社区居民认证再报到"


class AlreadyReported(Conflict):
    """The caller already has a report to this community waiting or approved."""

    code, message = "ALREADY_REPORTED", "您已向该社区报到，请勿重复提交"


class ReportNotPending(Conflict):
    """The report was decided already."""

    code, message = "REPORT_NOT_PENDING", "该报到已审核"


class ReportNotApproved(Conflict):
    """Only an approved report is reconfirmed or revoked."""

    code, message = "REPORT_NOT_APPROVED", "该报到未生效"


class NotPartyMember(Forbidden):
    """Only a member with an approved report to the community (the party_member role) may do this."""

    code, message = "NOT_PARTY_MEMBER", "仅已报到的在职党员可操作"


# -- service posts -----------------------------------------------------------------------------------


class PostNotFound(NotFound):
    """No such post, or not one of the caller's community (or, for staff, not in their communities)."""

    code, message = "POST_NOT_FOUND", "服务岗位不存在"


class ClaimNotFound(NotFound):
    """No such claim, or not the caller's (or, for staff, not in their communities)."""

    code, message = "CLAIM_NOT_FOUND", "岗位认领记录不存在"


class PostFull(Conflict):
    """Every place of the post is claimed."""

    code, message = "POST_FULL", "该岗位已满员"


class PostClosed(Conflict):
    """The post is withdrawn or its period is over."""

    code, message = "POST_CLOSED", "该岗位已停止认领"


class AlreadyClaimed(Conflict):
    """The caller holds this post already."""

    code, message = "ALREADY_CLAIMED", "您已认领该岗位"


class ClaimNotActive(Conflict):
    """The claim was released already, or is not waiting for confirmation."""

    code, message = "CLAIM_NOT_ACTIVE", "该认领已释放或状态不符"


# -- activities and check-in ------------------------------------------------------------------------


class ActivityNotFound(NotFound):
    """No such activity, or not one the caller may join (or, for staff, not in their communities)."""

    code, message = "ACTIVITY_NOT_FOUND", "活动不存在"


class SignupNotFound(NotFound):
    """No such sign-up, or not the caller's (or, for staff, not in their communities)."""

    code, message = "SIGNUP_NOT_FOUND", "报名记录不存在"


class NotInAudience(Forbidden):
    """The activity is for the members of another community or unit."""

    code, message = "NOT_IN_AUDIENCE", "该活动不面向您所在的社区或单位"


class AlreadySignedUp(Conflict):
    """The caller holds a place (or a place on the waitlist) already."""

    code, message = "ALREADY_SIGNED_UP", "您已报名该活动"


class ActivityClosed(Conflict):
    """The activity was cancelled or has started: no more sign-ups."""

    code, message = "ACTIVITY_CLOSED", "活动已开始或已取消，无法报名"


class CancelTooLate(Conflict):
    """The activity's cancellation deadline has passed."""

    code, message = "SIGNUP_CANCEL_TOO_LATE", "已过取消报名截止时间"


class NotCheckInTime(Conflict):
    """Check-in is open from the activity's margin before its start until its end."""

    code, message = "CHECK_IN_CLOSED", "不在活动签到时间内"


class NotSignedUp(Forbidden):
    """Only members holding a place check in (unless the activity allows walk-ins)."""

    code, message = "NOT_SIGNED_UP", "您未报名该活动"


class AlreadyCheckedIn(Conflict):
    """The caller checked in at this activity already."""

    code, message = "ALREADY_CHECKED_IN", "您已签到"


class NotCheckedIn(Conflict):
    """Check-out needs a check-in first (and happens once)."""

    code, message = "NOT_CHECKED_IN", "您尚未签到或已签退"


class AttendanceConfirmed(Conflict):
    """The attendance's hours were credited already."""

    code, message = "ATTENDANCE_CONFIRMED", "该出勤已确认，服务时长已记入"


class NotAttended(Conflict):
    """Hours are credited only for a member who checked in."""

    code, message = "NOT_ATTENDED", "该成员未签到，不能确认时长"


class ActivityCancelled(Conflict):
    """The activity was cancelled: it is neither changed nor attended any more."""

    code, message = "ACTIVITY_CANCELLED", "活动已取消"


class ActivityStarted(Conflict):
    """(Staff) An activity that has started is no longer changed or cancelled."""

    code, message = "ACTIVITY_STARTED", "活动已开始，无法修改或取消"


class InvalidActivityTime(Unprocessable):
    """(Staff) The activity must end after it starts."""

    code, message = "INVALID_ACTIVITY_TIME", "活动结束时间应晚于开始时间"


class CapacityBelowSignedUp(Unprocessable):
    """(Staff) The places cannot drop below the members holding one."""

    code, message = "CAPACITY_BELOW_SIGNED_UP", "名额不能少于已报名人数"


class CheckOutNotNeeded(Conflict):
    """The activity credits its planned time: there is no check-out."""

    code, message = "CHECK_OUT_NOT_NEEDED", "该活动无需签退"


class HoursNotConfirmed(Conflict):
    """(Staff) Only confirmed hours are corrected: confirm the attendance first."""

    code, message = "HOURS_NOT_CONFIRMED", "该出勤尚未确认时长"


class UnitReportBusy(Conflict):
    """(Staff) The month's unit reports are being built by another request or the monthly job."""

    code, message = "UNIT_REPORT_BUSY", "单位月报正在生成，请稍后再试"
