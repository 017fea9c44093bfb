"""WeChat's rules for the values of a subscribe message, by keyword type.

A template's keywords are named by type and position (``thing1``, ``phrase2``, ``time3``); WeChat
refuses a message (47003) whose value breaks its type's rule (its "参数值内容限制说明"):

- thing: 20 characters or fewer (Chinese, digits, letters or symbols); number: up to 32 digits, a
  decimal point allowed; letter: up to 32 letters; symbol: up to 5 symbols; character_string: up to
  32 digits, letters or symbols;
- time: a 24-hour time, a date before it allowed; date: a date, a 24-hour time after it allowed;
  both may be a period of two such points joined by "~";
- amount: a currency symbol and up to 10 digits (decimals allowed), "元" at the end allowed;
- phone_number: up to 17 digits and symbols; car_number: up to 8, the first and last may be Chinese,
  the rest letters or digits;
- name: up to 10 Chinese characters (letters mixed in count as Chinese), or up to 20 letters and
  symbols; phrase: up to 5 Chinese characters and nothing else.

No value may be empty.
"""

import re
import string
from collections.abc import Callable
from datetime import date

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
HAN_CHAR = re.compile(f"[{HAN}]")
ASCII_SYMBOLS = re.escape(string.punctuation)
SYMBOLS = ASCII_SYMBOLS + re.escape("·…—¥￥€£，。、；：？！“”‘’（）《》【】")
DATE = r"(\d{4})(?:年(\d{1,2})月(\d{1,2})日|-(\d{1,2})-(\d{1,2})|/(\d{1,2})/(\d{1,2}))"
CLOCK = r"(\d{1,2}):(\d{2})(?::(\d{2}))?"
TIME_POINT = re.compile(rf"(?:{DATE}\s*)?{CLOCK}")
DATE_POINT = re.compile(rf"{DATE}(?:\s*{CLOCK})?")


def _point_valid(match: re.Match | None) -> bool:
    """A matched date and/or time that exists (no 2026-02-30, no 25:00)."""
    if match is None:
        return False
    year, *rest = match.groups()
    day_parts, clock = rest[:6], rest[6:]
    if year is not None:
        month, day = next((m, d) for m, d in zip(day_parts[::2], day_parts[1::2], strict=True) if m)
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            return False
    hour, minute, second = clock
    if hour is None:
        return True
    return int(hour) < 24 and int(minute) < 60 and (second is None or int(second) < 60)


def _period(pattern: re.Pattern) -> Callable[[str], bool]:
    def valid(value: str) -> bool:
        points = [part.strip() for part in value.split("~")]
        return len(points) <= 2 and all(_point_valid(pattern.fullmatch(point)) for point in points)

    return valid


def _name(value: str) -> bool:
    if HAN_CHAR.search(value):
        return len(value) <= 10 and re.fullmatch(f"[{HAN}A-Za-z·]+", value) is not None
    return len(value) <= 20 and re.fullmatch(f"[A-Za-z {SYMBOLS}]+", value) is not None


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda value: compiled.fullmatch(value) is not None


RULES: dict[str, Callable[[str], bool]] = {
    "thing": lambda value: len(value) <= 20 and value.isprintable(),
    "number": _pattern(r"(?=[\d.]{1,32}$)\d+(\.\d+)?"),
    "letter": _pattern(r"[A-Za-z]{1,32}"),
    "symbol": _pattern(f"[{SYMBOLS}]{{1,5}}"),
    "character_string": _pattern(f"[0-9A-Za-z{ASCII_SYMBOLS}]{{1,32}}"),
    "time": _period(TIME_POINT),
    "date": _period(DATE_POINT),
    "amount": _pattern(r"[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?"),
    "phone_number": _pattern(r"[\d+\-() ]{1,17}"),
    "car_number": _pattern(f"[{HAN}A-Za-z0-9][A-Za-z0-9]{{0,6}}[{HAN}A-Za-z0-9]?"),
    "name": _name,
    "phrase": _pattern(f"[{HAN}]{{1,5}}"),
}
KINDS = frozenset(RULES)


def kind_of(key: str) -> str:
    """The type a keyword's key names: ``thing1`` → thing, ``character_string12`` → character_string."""
    return key.rstrip(string.digits)


def value_valid(kind: str, value) -> bool:
    """Whether WeChat takes ``value`` for a keyword of type ``kind`` (unknown types take nothing)."""
    rule = RULES.get(kind)
    return isinstance(value, str) and value != "" and rule is not None and rule(value)
