"""What every console list shares: the search words, filters, sort and page number read from the
address, and links that change one of them while keeping the rest.

A list view reads ``args = list_args(sorts=...)``, passes ``args.q``, ``args.sort`` and its filters
(``args.get(name)``) to its domain's query, which returns a ``cloudplatform.pagination.NumberedPage``,
and renders the page with the macros in ``admin/_list.html`` (search bar, sort headers, 共 N 条 and
上一页 / 下一页).
"""

from dataclasses import dataclass, field

from flask import request, url_for

from admin.forms import optional_int

MAX_QUERY_LENGTH = 50


@dataclass(frozen=True)
class ListArgs:
    q: str = ""
    page: int = 1
    sort: str = ""
    filters: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.filters.get(name, default)

    def get_int(self, name: str) -> int | None:
        return optional_int(self.filters.get(name))

    def url(self, **changes) -> str:
        """This list's address with ``changes`` (a filter or the search resets to page 1; None removes)."""
        params = {"q": self.q, "sort": self.sort, "page": self.page, **self.filters}
        if "page" not in changes:
            params["page"] = 1
        params.update(changes)
        kept = {k: v for k, v in params.items() if v not in (None, "") and not (k == "page" and v == 1)}
        return url_for(request.endpoint or "", **(request.view_args or {}), **kept)

    def cleared_url(self) -> str:
        """This list without search words or filters (its sort kept)."""
        return self.url(q=None, **dict.fromkeys(self.filters))


def search_words() -> str:
    """The query string's ``q``: one line of words, at most 50 characters ("" for anything else)."""
    q = " ".join(request.args.get("q", "").split())[:MAX_QUERY_LENGTH]
    return q if q.isprintable() else ""


def list_args(sorts: tuple[str, ...] = (), filters: tuple[str, ...] = ()) -> ListArgs:
    """The list's state from the query string: ``q`` (one line, at most 50 characters; anything else is
    ignored), ``page`` (from 1), ``sort`` (one of ``sorts``, a leading ``-`` for descending; else the
    first) and the named ``filters`` (as text; the view checks their values)."""
    q = search_words()
    sort = request.args.get("sort", "")
    if sort not in sorts:
        sort = sorts[0] if sorts else ""
    page = optional_int(request.args.get("page")) or 1
    values = {name: request.args.get(name, "").strip()[:MAX_QUERY_LENGTH] for name in filters}
    return ListArgs(q, max(1, min(page, 100_000)), sort, {k: v for k, v in values.items() if v})
