"""The errors of 志愿者 and 志愿服务队. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, Forbidden, NotFound, Unprocessable


class VolunteerNotResident(Forbidden):
    """Only a verified resident of a community registers as its volunteer."""

    code, message = "VOLUNTEER_NOT_RESIDENT", "请先完成本社区居民认证再注册志愿者"


class PhoneRequired(Forbidden):
    """A volunteer is reachable by phone: the user binds one before registering."""

    code, message = "VOLUNTEER_PHONE_REQUIRED", "请先绑定手机号再注册志愿者"


class ConsentRequired(Unprocessable):
    """Registration needs the volunteer's consent to the volunteer terms."""

    code, message = "VOLUNTEER_CONSENT_REQUIRED", "请阅读并同意志愿者服务协议"


class AlreadyVolunteer(Conflict):
    """The user has registered as a volunteer already (one registration per user)."""

    code, message = "ALREADY_VOLUNTEER", "您已注册为志愿者，请勿重复注册"


class NotVolunteer(Forbidden):
    """Only a registered volunteer may do this."""

    code, message = "NOT_VOLUNTEER", "请先注册为志愿者"


class VolunteerSuspended(Forbidden):
    """A suspended volunteer cannot sign up for shifts until staff reinstate them."""

    code, message = "VOLUNTEER_SUSPENDED", "您的志愿者身份已暂停，暂不能报名"


class VolunteerNotFound(NotFound):
    """No such volunteer (or, for staff, not one of their communities)."""

    code, message = "VOLUNTEER_NOT_FOUND", "志愿者不存在"


class InvalidVolunteerFields(Unprocessable):
    """A name, skills or availability that is empty, too long or not a list of short words."""

    code, message = "INVALID_VOLUNTEER_FIELDS", "志愿者信息填写有误"


class TeamNotFound(NotFound):
    """No such team (or, for staff, not one of their communities)."""

    code, message = "VOLUNTEER_TEAM_NOT_FOUND", "志愿服务队不存在"


class TeamNameTaken(Conflict):
    """The community has a team of that name already."""

    code, message = "VOLUNTEER_TEAM_NAME_TAKEN", "本社区已有同名志愿服务队"


class NotTeamMember(Conflict):
    """The leader is chosen among the team's members; a member removed must be one."""

    code, message = "NOT_TEAM_MEMBER", "该志愿者不是服务队成员"
