"""Helpers for tests of the console's lists: the rows a page shows and its pager's links."""

import html
import re


def ids_on(page: str, attribute: str) -> list[str]:
    """The ``data-<attribute>`` values of the list's rows, in the order shown."""
    return re.findall(rf'<tr data-{attribute}="([^"]+)"', page)


def pager_link(page: str, rel: str) -> str | None:
    """The address of the list's 上一页 (``prev``) / 下一页 (``next``) link, as the browser follows it."""
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def row_of(page: str, attribute: str, value) -> str:
    """The HTML of the row ``data-<attribute>="<value>"``."""
    return re.search(rf'<tr data-{attribute}="{value}">(.*?)</tr>', page, re.S).group(1)
