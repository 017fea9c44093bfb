"""How a 办事指南 or 预约 page offers the staff member's communities: not at all (they serve one), as a select
(a few), or as the type-ahead picker (``admin/_picker.html``) when a select would hold more than
``SELECT_LIMIT`` options (street and city admins)."""

from dataclasses import dataclass, field

from admin.forms import optional_int
from cloudplatform.errors import AppError
from cloudplatform.identity import queries as identity
from cloudplatform.identity.models import StaffAccount
from cloudplatform.routing import MAX_ID

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
    if identity.community_count(staff) > SELECT_LIMIT:
        return CommunityChoice(picker=True)
    communities = identity.communities_in_scope(staff)
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
        community = identity.load_community_in_scope(staff, community_id)
    except AppError:
        return None
    return community.id, community.name
