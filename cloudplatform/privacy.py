"""Masking of personal data for lists and logs (PIPL): the full value only for its reviewer."""


def mask_phone(phone: str | None) -> str | None:
    """13800001234 → 138****1234."""
    if not phone:
        return phone
    return phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:] if len(phone) > 7 else "*" * len(phone)


def mask_name(name: str | None) -> str | None:
    """王小明 → 王**."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


def mask_id_number(number: str | None) -> str | None:
    """610302199001011234 → 6103**********1234."""
    if not number:
        return number
    return number[:4] + "*" * max(len(number) - 8, 0) + number[-4:]
