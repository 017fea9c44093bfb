"""The mini-program's declaration: the subscribe-message templates the platform sends, each once with its
keywords, and the pages a message or a mini-program code may lead to.

WeChat names a keyword by its type and position: ``thing1`` is a 事物 (20 characters or fewer),
``phrase2`` up to 5 Chinese characters, ``time3`` a 24-hour time (a date before it allowed),
``date2`` a date (a time after it allowed), ``character_string4`` up to 32 letters, digits and
symbols, ``name5`` a name, ``number6`` digits. It refuses a message (47003) whose value breaks its
type's rule, so :meth:`Template.build` shapes values where they are built: a long community or
service name is cut to fit (ending in "…"), times are written in Beijing time.

The template ids come from WECHAT_TEMPLATES (template key → WeChat template id); the keywords here
must be the ones chosen for that template on the WeChat console.
"""

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cloudplatform.clock import local

THING_MAX = 20
STRING_MAX = 32
ELLIPSIS = "…"
TIME_FORMAT = "%Y-%m-%d %H:%M"
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")

# The mini-program's released pages (its app.json), as WeChat's APIs name them: no leading "/".
HOME = "pages/index/index"
PAGES = (
    HOME,
    "pages/me/residency",
    "pages/services/bookings",
    "pages/notices/detail",
    "pages/party/report",
    "pages/party/activities",
    "pages/party/hours",
    "pages/lockers/deposits",
    "pages/services/aid",
    "pages/services/demand",
    "pages/services/messages",
    "pages/volunteer/shifts",
    "pages/volunteer/hours",
    "pages/volunteer/rewards",
)


def fit(text, limit: int = THING_MAX) -> str:
    """``text`` on one line, cut to ``limit`` characters ending in "…" when longer."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def local_time(value: datetime) -> str:
    """A stored (UTC) time as WeChat shows it: Beijing time, 24-hour."""
    return local(value).strftime(TIME_FORMAT)


def shape_time(value) -> str:
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date):
        raise TypeError("a date without a time goes in a date keyword, not a time keyword")
    return str(value)


def shape_date(value) -> str:
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def shape_name(value) -> str:
    text = "".join(str(value).split()) if HAN.search(str(value)) else " ".join(str(value).split())
    return text[:10] if HAN.search(text) else text[:20]


SHAPERS: dict[str, Callable[[Any], str]] = {
    "thing": fit,
    "time": shape_time,
    "date": shape_date,
    "character_string": lambda value: "".join(str(value).split())[:STRING_MAX],
    "name": shape_name,
    "phrase": str,  # nothing to cut: choose a phrase of up to 5 Chinese characters
    "number": str,
}


@dataclass(frozen=True)
class Keyword:
    key: str  # WeChat's name for it, its type then its position: thing1, time3, character_string4
    title: str  # as the WeChat console shows it

    @property
    def kind(self) -> str:
        return self.key.rstrip(string.digits)

    def shape(self, value) -> str:
        return SHAPERS[self.kind](value)


@dataclass(frozen=True)
class Template:
    key: str  # the platform's name, the key of WECHAT_TEMPLATES and of users' consents
    title: str
    keywords: tuple[Keyword, ...]

    def build(self, values: Mapping) -> dict[str, dict[str, str]]:
        """WeChat's ``data`` for plain ``values`` (keyword key → str, datetime, date or number), each
        shaped to its keyword's type.

        :raises ValueError: a keyword is missing or not in the template.
        """
        keys = {keyword.key for keyword in self.keywords}
        if set(values) != keys:
            missing, unknown = sorted(keys - set(values)), sorted(set(values) - keys)
            raise ValueError(f"{self.key}: missing keywords {missing}, unknown keywords {unknown}")
        return {keyword.key: {"value": keyword.shape(values[keyword.key])} for keyword in self.keywords}


TEMPLATES = {
    template.key: template
    for template in (
        Template(
            "residency_result",
            "居民认证结果通知",
            (Keyword("thing1", "认证社区"), Keyword("phrase2", "认证结果"), Keyword("thing3", "备注")),
        ),
        Template(
            "booking_reminder",
            "预约提醒",
            (Keyword("thing1", "预约事项"), Keyword("date2", "预约时间"), Keyword("thing3", "温馨提示")),
        ),
        Template(
            "notice_published",
            "社区通知",
            (Keyword("thing1", "通知标题"), Keyword("thing2", "发布社区"), Keyword("time3", "发布时间")),
        ),
        Template(
            "party_report_result",
            "党员报到结果通知",
            (Keyword("thing1", "报到社区"), Keyword("phrase2", "报到状态"), Keyword("thing3", "备注")),
        ),
        Template(
            "party_activity",
            "党建活动通知",
            (Keyword("thing1", "活动名称"), Keyword("time2", "活动时间"), Keyword("thing3", "温馨提示")),
        ),
        Template(
            "locker_deposit",
            "云柜取件通知",
            (Keyword("thing1", "物品名称"), Keyword("thing2", "云柜位置"), Keyword("thing3", "温馨提示")),
        ),
        Template(
            "aid_progress",
            "救助申请进度通知",
            (
                Keyword("thing1", "救助类别"),
                Keyword("phrase2", "办理状态"),
                Keyword("thing3", "办理说明"),
                Keyword("time4", "办理时间"),
            ),
        ),
        Template(
            "aid_deadline",
            "救助办理时限提醒",
            (Keyword("thing1", "待办事项"), Keyword("number2", "案件数量"), Keyword("thing3", "温馨提示")),
        ),
        Template(
            "demand_progress",
            "诉求办理进度通知",
            (
                Keyword("thing1", "诉求内容"),
                Keyword("phrase2", "办理状态"),
                Keyword("thing3", "办理说明"),
                Keyword("time4", "办理时间"),
            ),
        ),
        Template(
            "message_reply",
            "留言回复通知",
            (Keyword("thing1", "留言类型"), Keyword("thing2", "回复内容"), Keyword("time3", "回复时间")),
        ),
        Template(
            "volunteer_shift",
            "志愿服务通知",
            (Keyword("thing1", "服务项目"), Keyword("time2", "服务时间"), Keyword("thing3", "温馨提示")),
        ),
        Template(
            "volunteer_hours",
            "志愿服务时长确认",
            (Keyword("thing1", "服务项目"), Keyword("thing2", "服务时长"), Keyword("thing3", "积分说明")),
        ),
        Template(
            "volunteer_star",
            "志愿者星级提升",
            (Keyword("thing1", "星级"), Keyword("thing2", "达成条件"), Keyword("thing3", "温馨提示")),
        ),
        Template(
            "volunteer_redemption",
            "积分兑换通知",
            (
                Keyword("thing1", "兑换物品"),
                Keyword("phrase2", "兑换状态"),
                Keyword("thing3", "温馨提示"),
                Keyword("time4", "处理时间"),
            ),
        ),
        Template(
            "party_unit_report",
            "党员服务月报",
            (Keyword("thing1", "单位名称"), Keyword("thing2", "统计月份"), Keyword("thing3", "服务概况")),
        ),
    )
}


def page_declared(page: str | None) -> bool:
    """Whether a message's page (a declared page, a query allowed) is one the mini-program has."""
    return page is None or page.split("?", 1)[0] in PAGES


def standin_declarations(template_ids: Mapping[str, str]) -> dict:
    """What the WeChat stand-in must know to refuse what WeChat refuses, as plain data:
    ``{"templates": {template id: {keyword: type}}, "pages": [...]}`` for ``create_standin_app``.
    ``template_ids`` is the app's WECHAT_TEMPLATES."""
    return {
        "templates": {
            template_ids[key]: {keyword.key: keyword.kind for keyword in template.keywords}
            for key, template in TEMPLATES.items()
            if key in template_ids
        },
        "pages": list(PAGES),
    }
