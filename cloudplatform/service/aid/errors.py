"""The errors of 困难救助. Their codes are part of the API contract (the mini-program switches on them)."""

from cloudplatform.errors import Conflict, Forbidden, NotFound, Unprocessable
from cloudplatform.identity.errors import ReasonRequired as ReasonRequired  # a rejection, a withdrawal


class AidApplicationNotFound(NotFound):
    """No such application, or not the caller's (or, for staff, not in their communities)."""

    code, message = "AID_APPLICATION_NOT_FOUND", "救助申请不存在"


class AidCategoryNotFound(NotFound):
    """No such aid category, or it is no longer offered."""

    code, message = "AID_CATEGORY_NOT_FOUND", "救助类别不存在或已停用"


class AidNotResident(Forbidden):
    """Only a verified resident applies, in the community and at the address they were verified for."""

    code, message = "AID_NOT_RESIDENT", "请先完成本社区居民认证再申请救助"


class AidAlreadyOpen(Conflict):
    """The household (or the person, by ID number) has an open application in this category."""

    code, message = "AID_ALREADY_OPEN", "您家庭已有该类别的救助申请正在办理，请勿重复申请"


class IdNumberInvalid(Unprocessable):
    """Not a valid 18-character resident ID number (its check digit is wrong)."""

    code, message = "ID_NUMBER_INVALID", "身份证号码格式不正确"


class AidWrongStep(Conflict):
    """The case is not at the step this decision is for: another decision came first, or the step is not
    one its status allows (``details``: its status)."""

    code, message = "AID_WRONG_STEP", "该申请当前不在此办理环节，请刷新后重试"


class AidStepNotForCategory(Conflict):
    """The category does not take this step (公示 for a category without it, skipping a 公示 it needs,
    先行救助 where it is not allowed)."""

    code, message = "AID_STEP_NOT_FOR_CATEGORY", "该救助类别不适用此办理环节"


class AidVisitRequired(Unprocessable):
    """The category needs the home visit's notes before the case leaves community review."""

    code, message = "AID_VISIT_REQUIRED", "请先填写入户核查情况"


class AidMissingRequired(Unprocessable):
    """Asking for materials names every missing item at once: at least one."""

    code, message = "AID_MISSING_REQUIRED", "请列出全部需要补正的材料"


class AidPublicityNotOver(Conflict):
    """The 公示 period has not ended yet."""

    code, message = "AID_PUBLICITY_NOT_OVER", "公示期尚未结束"


class AidObjectionsUnanswered(Conflict):
    """Every objection raised in 公示 is answered before the case goes on."""

    code, message = "AID_OBJECTIONS_UNANSWERED", "还有未答复的公示异议"


class AidNotInPublicity(Conflict):
    """Objections are raised only while the case is in its 公示 period."""

    code, message = "AID_NOT_IN_PUBLICITY", "该申请不在公示期内"


class AidObjectionNotFound(NotFound):
    """No such objection on this case."""

    code, message = "AID_OBJECTION_NOT_FOUND", "异议不存在"


class AidObjectionAnswered(Conflict):
    """The objection was answered already."""

    code, message = "AID_OBJECTION_ANSWERED", "该异议已答复"


class AidAmountOverLimit(Unprocessable):
    """The amount is above the category's ceiling."""

    code, message = "AID_AMOUNT_OVER_LIMIT", "金额超过该救助类别的上限"


class AidEmergencyGranted(Conflict):
    """先行救助 was granted already for this case."""

    code, message = "AID_EMERGENCY_GRANTED", "该申请已先行救助"


class AidTooManyFiles(Unprocessable):
    """A case holds at most ``AID_MAX_FILES`` materials and visit photos."""

    code, message = "AID_TOO_MANY_FILES", "材料数量超过上限"
