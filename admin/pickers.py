"""Type-ahead pickers: what a worker types → matching communities, buildings or users within their
scope, as JSON for ``static/picker.js`` (``admin/_picker.html`` draws the field). Used wherever a
select would offer more than about twenty options."""

from flask import jsonify, request

from admin import bp
from admin.auth import current_staff, login_required
from admin.forms import optional_int
from admin.lists import MAX_QUERY_LENGTH
from cloudplatform.errors import Forbidden
from cloudplatform.identity import queries
from cloudplatform.identity.permissions import allows


def words() -> str:
    q = " ".join(request.args.get("q", "").split())[:MAX_QUERY_LENGTH]
    return q if q.isprintable() else ""


def answer(items: list[tuple[int, str]]):
    return jsonify({"items": [{"id": item_id, "label": label} for item_id, label in items]})


@bp.get("/pick/communities")
@login_required
def pick_communities():
    """Communities in the staff member's scope by name, street or district."""
    return answer(queries.search_communities(current_staff(), words()))


@bp.get("/pick/buildings")
@login_required
def pick_buildings():
    """Buildings of one community in scope (``community_id``; 404 outside it) by name or grid."""
    community_id = optional_int(request.args.get("community_id")) or 0
    return answer(queries.search_buildings(current_staff(), community_id, words()))


@bp.get("/pick/users")
@login_required
def pick_users():
    """Users of the staff member's communities by verified name, nickname or the phone's last digits
    (at least one character typed); shown masked, with their building and phone."""
    staff = current_staff()
    if not (allows(staff, "staff.manage") or allows(staff, "residency.review")):
        raise Forbidden()
    q = words()
    users = queries.search_users(staff, q) if q else []
    return answer([(u.user_id, f"{u} {u.phone or ''}".strip()) for u in users])
