"""Choosing among many: type-ahead pickers (what a worker types → matching communities, buildings or
users within their scope, as JSON for ``static/picker.js``; ``admin/_picker.html`` draws the field),
used wherever a select would offer more than ``SELECT_LIMIT`` options; and ``community_choice``, how a
page offers the staff member's communities: not at all (they serve one), a select (a few), or the picker
(street and city admins of many)."""

from dataclasses import dataclass, field

from flask import jsonify, request

from admin import bp
from admin.auth import current_staff, login_required
from admin.forms import optional_int
from admin.lists import search_words
from cloudplatform.errors import AppError, Forbidden
from cloudplatform.identity import queries
from cloudplatform.identity.models import StaffAccount
from cloudplatform.identity.permissions import allows
from cloudplatform.routing import MAX_ID


def answer(items: list[tuple[int, str]]):
    return jsonify({"items": [{"id": item_id, "label": label} for item_id, label in items]})


@bp.get("/pick/communities")
@login_required
def pick_communities():
    """Communities in the staff member's scope by name, street or district."""
    return answer(queries.search_communities(current_staff(), search_words()))


@bp.get("/pick/buildings")
@login_required
def pick_buildings():
    """Buildings of one community in scope (``community_id``; 404 outside it) by name or grid."""
    community_id = optional_int(request.args.get("community_id")) or 0
    return answer(queries.search_buildings(current_staff(), community_id, search_words()))


@bp.get("/pick/users")
@login_required
def pick_users():
    """Users of the staff member's communities by verified name, nickname or the phone's last digits
    (at least one character typed); shown masked, with their building and phone."""
    staff = current_staff()
    if not (allows(staff, "staff.manage") or allows(staff, "residency.review")):
        raise Forbidden()
    q = search_words()
    users = queries.search_users(staff, q) if q else []
    return answer([(u.user_id, f"{u} {u.phone or ''}".strip()) for u in users])


# -- a community to work on or to filter by -------------------------------------------------------

SELECT_LIMIT = 20


@dataclass(frozen=True)
class CommunityChoice:
    only: int | None = None  # the one community the staff member serves
    options: list[tuple[int, str]] = field(default_factory=list)  # a select's (id, "name（street）")
    picker: bool = False  # more than SELECT_LIMIT: the picker instead

    @property
    def offered(self) -> bool:
        """Whether the page lets the worker choose (a select or the picker)."""
        return self.only is None

    def filter(self) -> list[tuple[str, str, list[tuple[int, str]]]]:
        """The list's community filter for ``admin/_list.html``'s search (none for one community or the
        picker, which the page draws itself)."""
        return [("community_id", "社区", self.options)] if self.options else []


def community_choice(staff: StaffAccount) -> CommunityChoice:
    """At most two statements: the count, then (a few) the communities by name."""
    if staff.community_id is not None:
        return CommunityChoice(only=staff.community_id)
    if queries.community_count(staff) > SELECT_LIMIT:
        return CommunityChoice(picker=True)
    communities = queries.communities_in_scope(staff)
    if len(communities) == 1:
        return CommunityChoice(only=communities[0].id)
    return CommunityChoice(options=[(c.id, f"{c.name}（{c.street.name}）") for c in communities])


def chosen_community(staff: StaffAccount, choice: CommunityChoice, value) -> tuple[int, str] | None:
    """(id, name) of the community ``value`` names if the staff member may choose it there (an option of
    the select, or any community in scope for the picker: one statement); else None, to be ignored."""
    community_id = optional_int(value)
    if community_id is None or not 1 <= community_id <= MAX_ID or not choice.offered:
        return None
    if not choice.picker:
        return next(((i, label) for i, label in choice.options if i == community_id), None)
    try:
        community = queries.load_community_in_scope(staff, community_id)
    except AppError:
        return None
    return community.id, community.name
