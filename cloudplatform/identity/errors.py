"""The errors of identity: login tokens, staff-only endpoints, communities and buildings, residency,
staff accounts. Their codes are part of the API contract (the mini-program switches on them)."""

from cloudplatform.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable


class TokenMissing(Unauthorized):
    """No bearer token was sent: log in (``wx.login``, then ``POST /auth/login``)."""

    code, message = "TOKEN_MISSING", "请先登录"


class TokenInvalid(Unauthorized):
    """The bearer token is unknown, expired or revoked: log in again."""

    code, message = "TOKEN_INVALID", "登录已失效，请重新登录"


class StaffOnly(Forbidden):
    """The caller's WeChat user is not linked to an active staff account."""

    code, message = "STAFF_ONLY", "仅限社区工作人员使用"


class AccountDeleted(Forbidden):
    """The WeChat user's account was deleted; it cannot log in."""

    code, message = "ACCOUNT_DELETED", "该账号已注销"


class CommunityNotFound(NotFound):
    """No such community (or not one the caller may reach)."""

    code, message = "COMMUNITY_NOT_FOUND", "社区不存在"


class BuildingNotFound(NotFound):
    """The building is not one of the community's."""

    code, message = "BUILDING_NOT_FOUND", "该社区没有这栋楼"


class GridNotFound(NotFound):
    """The grid is not one of the community's."""

    code, message = "GRID_NOT_FOUND", "该社区没有所选网格"


class ResidencyPending(Conflict):
    """The user already has a residency request waiting for a decision."""

    code, message = "RESIDENCY_PENDING", "您已有待审核的居民认证申请"


class ReasonRequired(Unprocessable):
    """A rejection needs a reason (``details.fields.reason``)."""

    code, message = "REASON_REQUIRED", "驳回时请填写原因"


class AlreadyDecided(Conflict):
    """The residency request was approved or rejected already."""

    code, message = "ALREADY_DECIDED", "该申请已处理"


class UsernameTaken(Conflict):
    """(Console) Another staff account has this username."""

    code, message = "USERNAME_TAKEN", "用户名已被使用"


class UserAlreadyLinked(Conflict):
    """(Console) The WeChat user is linked to another staff account already."""

    code, message = "USER_ALREADY_LINKED", "该微信用户已关联其他工作人员账号"


class CannotDeactivateSelf(Conflict):
    """(Console) A staff member cannot deactivate their own account."""

    code, message = "CANNOT_DEACTIVATE_SELF", "不能停用自己的账号"


class WrongPassword(Unprocessable):
    """(Console) The current password given to change it is not the account's."""

    code, message = "WRONG_PASSWORD", "当前密码不正确"


class WeakPassword(Unprocessable):
    """(Console) A new password is shorter than 10 characters or equal to the username."""

    code, message = "WEAK_PASSWORD", "新密码至少 10 位，且不能与用户名相同"


class SamePassword(Unprocessable):
    """(Console) The new password is the one the account has now."""

    code, message = "SAME_PASSWORD", "新密码不能与当前密码相同"


class NotAGridWorker(Conflict):
    """(Console) Only a grid worker's account looks after grids."""

    code, message = "NOT_A_GRID_WORKER", "只有网格员账号可以负责网格"


class GridNotInCommunity(Unprocessable):
    """(Console) A grid chosen for a grid worker is not one of their community's grids."""

    code, message = "GRID_NOT_IN_COMMUNITY", "所选网格不属于该网格员所在社区"
