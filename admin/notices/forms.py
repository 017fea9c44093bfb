"""The notice form: local times, audience targets and attachments as staff type them."""

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from admin.forms import FilesField, optional_int, strip
from cloudplatform.clock import LOCAL_TZ
from cloudplatform.identity.models import Community
from cloudplatform.identity.queries import community_buildings, community_grids
from cloudplatform.service.notices.models import BROADCAST_AUDIENCES, BUILDINGS, GRIDS
from cloudplatform.service.notices.queries import AUDIENCE_NAMES

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


class LocalDateTimeField(StringField):
    """A datetime-local input read as Asia/Shanghai time; ``data`` is an aware datetime or None."""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        for fmt in LOCAL_FORMATS:
            try:
                self.data = datetime.strptime(text, fmt).replace(tzinfo=LOCAL_TZ)
                return
            except ValueError:
                continue
        raise ValueError("时间格式应为 年-月-日 时:分")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.astimezone(LOCAL_TZ).strftime(LOCAL_FORMATS[0]) if self.data else ""


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NoticeForm(FlaskForm):
    """Shape only; publish_notice decides audience, targets, times and attachments."""

    title = StringField(
        "标题",
        filters=[strip],
        validators=[DataRequired("请输入标题"), Length(max=100, message="标题不能超过 100 个字")],
    )
    body = TextAreaField(
        "正文",
        filters=[strip],
        validators=[DataRequired("请输入正文"), Length(max=10000, message="正文不能超过 10000 个字")],
    )
    audience = SelectField("通知对象", validate_choice=False)
    grid_ids = CheckboxesField("网格（按网格发布时选择）", coerce=optional_int, validate_choice=False)
    building_ids = CheckboxesField("楼栋（按楼栋发布时选择）", coerce=optional_int, validate_choice=False)
    pinned = BooleanField("置顶")
    publish_at = LocalDateTimeField("发布时间（北京时间；留空为立即发布）")
    expires_at = LocalDateTimeField("到期时间（北京时间；留空为长期有效）")
    attachments = TextAreaField(
        "附件链接（每行一个：名称|https 网址）", validators=[Length(max=5000, message="附件内容过长")]
    )
    files = FilesField("上传附件（可多选；PDF、JPEG、PNG、Word、Excel 或纯文本，每个不超过 10 MB）")
    push = BooleanField("同时推送微信订阅消息（仅发给订阅了通知的居民）")

    def offer(self, community: Community) -> None:
        """Audience choices, and the grids and buildings of the community the notice is for."""
        self.audience.choices = list(AUDIENCE_NAMES.items())
        self.grid_ids.choices = [(g.id, g.name) for g in community_grids(community)]
        self.building_ids.choices = [(b.id, b.name) for b in community_buildings(community)]

    def targets(self) -> dict[str, list[int]]:
        """The grids or buildings ticked for the chosen audience; ticks under another audience are left."""
        field = {GRIDS: self.grid_ids, BUILDINGS: self.building_ids}.get(self.audience.data)
        if field is None:
            return {}
        return {field.name: [i for i in field.data if i is not None]}

    def publishing(self) -> dict:
        """The fields a single notice and a street's or the city's notice are both published with."""
        return {
            "pinned": self.pinned.data,
            "publish_at": self.publish_at.data,
            "expires_at": self.expires_at.data,
            "attachments": parse_attachments(self.attachments.data),
            "push": self.push.data,
        }

    def validate_attachments(self, field):
        try:
            parse_attachments(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class BroadcastForm(NoticeForm):
    """A street's or the city's notice: everyone, party members or volunteers; links for attachments."""

    grid_ids = None
    building_ids = None
    files = None

    def offer_broadcast(self) -> None:
        self.audience.choices = [(a, AUDIENCE_NAMES[a]) for a in BROADCAST_AUDIENCES]

    def targets(self) -> dict[str, list[int]]:
        return {}


def parse_attachments(text: str | None) -> list[dict[str, str]]:
    """Lines "名称|网址" → [{name, url}]; blank lines are skipped."""
    attachments = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        name, bar, url = line.partition("|")
        if not bar:
            raise ValueError(f"附件第 {number} 行应为“名称|网址”")
        attachments.append({"name": name.strip(), "url": url.strip()})
    return attachments
