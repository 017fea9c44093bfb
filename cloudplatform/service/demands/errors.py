"""The errors of 群众点单 and the organisations. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, Forbidden, NotFound, Unprocessable
from cloudplatform.identity.errors import ReasonRequired as ReasonRequired  # declines, send-backs, dismissals


class DemandNotFound(NotFound):
    """No such demand, or not the caller's (for staff: not in their communities; for an organisation's
    worker: not dispatched to their organisation)."""

    code, message = "DEMAND_NOT_FOUND", "诉求不存在"


class OrganisationNotFound(NotFound):
    """No such active organisation serving the demand's community (or, for staff, not in their scope)."""

    code, message = "ORGANISATION_NOT_FOUND", "社会组织不存在或不服务该社区"


class DemandWrongStep(Conflict):
    """The demand is not at the step this action is for: another decision came first, or its status does
    not allow it (``details``: its status)."""

    code, message = "DEMAND_WRONG_STEP", "该诉求当前不在此办理环节，请刷新后重试"


class DemandNotResident(Forbidden):
    """Only a verified resident of the community orders there."""

    code, message = "DEMAND_NOT_RESIDENT", "请先完成本社区居民认证再提交诉求"


class DemandHeld(Conflict):
    """The demand's text waits for staff review (content check) before it is dispatched."""

    code, message = "DEMAND_HELD", "该诉求内容待审核，审核通过后才能下单"


class AlreadyRated(Conflict):
    """The demand was rated already (a rating is given once)."""

    code, message = "ALREADY_RATED", "您已评价过该诉求"


class ReopenRefused(Conflict):
    """A demand is reopened once, within 14 days of its verification (``details.reason``: once or late)."""

    code, message = "REOPEN_REFUSED", "该诉求已重新办理过或已超过 14 天，不能再次重新办理"


class DeadlineInvalid(Unprocessable):
    """The deadline is in the past."""

    code, message = "DEADLINE_INVALID", "办理期限不能早于今天"


class MergeRefused(Conflict):
    """Only two different open demands of one community, neither merged, are merged."""

    code, message = "MERGE_REFUSED", "只能合并同一社区中两条未办结的不同诉求"
