"""Forms of the 群众点单 console: each decision on a demand carries the status the page showed as
``seen`` (a stale page's decision is refused with DEMAND_WRONG_STEP), the organisations and their workers,
and the reply to a message. They check shape; the operations decide what is allowed."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from admin.bookings.forms import DayField
from admin.forms import FilesField, optional_int, printable_text, strip
from admin.notices.forms import CheckboxesField
from admin.party.forms import line
from cloudplatform.service.demands.models import CATEGORIES, ORGANISATION_KINDS


def text_area(label: str, length: int, *, required: str = "") -> TextAreaField:
    validators = [DataRequired(required)] if required else []
    validators += [Length(max=length, message=f"{label}不能超过 {length} 字"), printable_text]
    return TextAreaField(label, filters=[strip], validators=validators)


class StepForm(FlaskForm):
    """A decision with nothing more than the status the page showed."""

    seen = HiddenField()


class DispatchForm(StepForm):
    """下单 with its 四公开 facts: the organisation (a select or the picker), deadline, funding source,
    responsible party member and project."""

    organisation_id = StringField("承办组织")
    deadline = DayField("办理期限")
    funding_source = line("资金来源", 100, required=True)
    responsible_member = line("责任党员", 32, required=True)
    project = line("项目名称（默认为诉求标题）", 100)

    def validate_organisation_id(self, field) -> None:
        if optional_int(field.data) is None:
            raise ValidationError("请选择承办组织")

    def validate_deadline(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("请选择办理期限")


class ReasonForm(StepForm):
    reason = text_area("理由", 500, required="请填写理由")


class NoteForm(StepForm):
    note = text_area("说明", 500)


class MergeForm(StepForm):
    into = SelectField("并入的诉求", coerce=optional_int, validate_choice=False)

    def validate_into(self, field) -> None:
        if field.data is None:
            raise ValidationError("请选择要并入的诉求")


class SuperviseForm(StepForm):
    comment = text_area("督办意见", 500, required="请填写督办意见")


class DoneForm(StepForm):
    """报结: what was done, with photos or documents as evidence."""

    note = text_area("办理情况", 1000, required="请说明办理情况")
    evidence = FilesField("办结凭证（图片或 PDF，可多选）")


class OrganisationForm(FlaskForm):
    name = line("名称", 64, required=True)
    kind = SelectField("类型", choices=dict(ORGANISATION_KINDS), validate_choice=False)
    community_id = SelectField("所属社区", coerce=optional_int, validate_choice=False)
    communities = CheckboxesField("服务社区", coerce=int, validate_choice=False)
    service_areas = CheckboxesField("服务领域", choices=dict(CATEGORIES), validate_choice=False)
    registration_no = line("备案号", 32)
    contact_name = line("联系人", 32)
    contact_phone = line("联系电话", 20)
    active = BooleanField("接受下单")

    def validate_kind(self, field) -> None:
        if field.data not in ORGANISATION_KINDS:
            raise ValidationError("请选择类型")

    def fields(self) -> dict:
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "registration_no": self.registration_no.data or "",
            "contact_name": self.contact_name.data or "",
            "contact_phone": self.contact_phone.data or "",
            "active": bool(self.active.data),
            "service_areas": list(self.service_areas.data or []),
            "communities": list(self.communities.data or []),
        }


class WorkerForm(FlaskForm):
    username = StringField(
        "用户名",
        validators=[
            DataRequired("请输入用户名"),
            Length(3, 64, message="用户名为 3 至 64 个字符"),
            Regexp(r"^[A-Za-z0-9_.-]+\Z", message="用户名只能包含字母、数字、下划线、点和连字符"),
        ],
    )
    display_name = StringField(
        "姓名", validators=[DataRequired("请输入姓名"), Length(max=64, message="姓名不能超过 64 个字符")]
    )
    password = PasswordField(
        "初始密码",
        validators=[DataRequired("请输入初始密码"), Length(10, 128, message="初始密码为 10 至 128 位")],
    )


class ReplyForm(FlaskForm):
    reply = text_area("回复", 1000, required="请填写回复内容")


class PublishForm(FlaskForm):
    pass
