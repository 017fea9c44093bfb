"""The errors of 优秀志愿者. Their codes are part of the API contract."""

from cloudplatform.errors import Conflict, NotFound, Unprocessable


class RecognitionNotFound(NotFound):
    """No such nomination in the staff member's communities."""

    code, message = "RECOGNITION_NOT_FOUND", "未找到该优秀志愿者提名"


class AlreadyNominated(Conflict):
    """The volunteer is nominated for that year already."""

    code, message = "ALREADY_NOMINATED", "该志愿者已被提名为本年度优秀志愿者"


class VolunteerNotPublic(Conflict):
    """The volunteer chose not to appear on public leaderboards: they are not published either."""

    code, message = "VOLUNTEER_NOT_PUBLIC", "该志愿者已选择不公开展示，不能公示"


class RecognitionPublished(Conflict):
    """A published recognition stands: it is not withdrawn."""

    code, message = "RECOGNITION_PUBLISHED", "已公示的优秀志愿者不能撤回"


class NothingToPublish(Conflict):
    """No nomination of that community and year waits to be published."""

    code, message = "NOTHING_TO_PUBLISH", "没有待公示的优秀志愿者提名"


class InvalidRecognitionYear(Unprocessable):
    """A year from 2000 to this one."""

    code, message = "RECOGNITION_YEAR_INVALID", "年度须在2000年至今年之间"
