"""Filters and validators every console form shares (each domain's forms live in its ``forms.py``).

Forms check the shape of input; the operations decide what is allowed.
"""

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
