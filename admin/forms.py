"""Filters and validators every console form shares (each domain's forms live in its ``forms.py``).

Forms check the shape of input; the operations decide what is allowed.
"""

from werkzeug.datastructures import FileStorage
from wtforms import MultipleFileField
from wtforms.validators import ValidationError


def strip(value):
    """Form filter: surrounding white space is never meant."""
    return value.strip() if isinstance(value, str) else value


def printable_line(form, field) -> None:
    """Validator: one line of text, no control characters."""
    if field.data and not field.data.isprintable():
        raise ValidationError("不能包含控制字符")


def printable_text(form, field) -> None:
    """Validator: line breaks and tabs are fine in a text area; other control characters are not."""
    if field.data and not field.data.replace("\r", "").replace("\n", "").replace("\t", "").isprintable():
        raise ValidationError("不能包含控制字符")


def optional_int(value) -> int | None:
    """Coerce a select's value; anything that is not a number becomes None (no English error)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def accepts_files(view):
    """Mark a console page whose form carries files: its body may be ``UPLOAD_FORM_MAX_BYTES`` (set by
    ``admin.check_csrf`` before the form is read), where the JSON API keeps ``MAX_CONTENT_LENGTH``."""
    view.accepts_files = True
    return view


class FilesField(MultipleFileField):
    """Files to upload; ``files()`` gives (name, bytes) of each one chosen (none chosen: an empty list)."""

    def files(self) -> list[tuple[str, bytes]]:
        return [
            (f.filename or "", f.read()) for f in self.data or [] if isinstance(f, FileStorage) and f.filename
        ]
