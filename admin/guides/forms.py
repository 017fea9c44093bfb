"""The guide form: its text fields as the guide operations take them."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from admin.forms import FilesField, optional_int, printable_line, printable_text, strip
from cloudplatform.service.guides.operations import FIELDS


class GuideForm(FlaskForm):
    """The guide's text; the bookable choices are the community's (the operation re-checks them)."""

    category = StringField(
        "分类",
        filters=[strip],
        validators=[DataRequired("请填写分类"), Length(max=32, message="分类不能超过 32 字"), printable_line],
    )
    title = StringField(
        "事项名称",
        filters=[strip],
        validators=[
            DataRequired("请填写事项名称"),
            Length(max=100, message="事项名称不能超过 100 字"),
            printable_line,
        ],
    )
    purpose = TextAreaField(
        "办理用途", filters=[strip], validators=[Length(max=2000, message="不能超过 2000 字"), printable_text]
    )
    eligibility = TextAreaField(
        "办理条件", filters=[strip], validators=[Length(max=2000, message="不能超过 2000 字"), printable_text]
    )
    materials = TextAreaField(
        "所需材料（每行一项）",
        filters=[strip],
        validators=[Length(max=3000, message="不能超过 3000 字"), printable_text],
    )
    location = StringField(
        "办理地点", filters=[strip], validators=[Length(max=128, message="不能超过 128 字"), printable_line]
    )
    hours = StringField(
        "办理时间", filters=[strip], validators=[Length(max=128, message="不能超过 128 字"), printable_line]
    )
    contact_name = StringField(
        "联系人", filters=[strip], validators=[Length(max=32, message="不能超过 32 字"), printable_line]
    )
    contact_phone = StringField(
        "联系电话",
        filters=[strip],
        validators=[
            Length(max=32, message="不能超过 32 个字符"),
            Regexp(r"^[0-9+\- ]*\Z", message="联系电话只能包含数字、空格、+ 和 -"),
        ],
    )
    bookable_id = SelectField("关联预约事项", coerce=optional_int, validate_choice=False)
    files = FilesField("上传附件（可多选；PDF、JPEG、PNG、Word、Excel 或纯文本，每个不超过 10 MB）")

    def guide_fields(self) -> dict:
        """The operation's keyword arguments: materials one per line, a field missing from the post empty."""
        fields = {name: getattr(self, name).data for name in FIELDS}
        fields.update({name: "" for name, value in fields.items() if value is None and name != "bookable_id"})
        fields["materials"] = [
            line.strip() for line in (self.materials.data or "").splitlines() if line.strip()
        ]
        return fields


class GuideCreateForm(GuideForm):
    published = BooleanField("保存后立即发布", default=True)
