"""志愿云 II: 优秀志愿者 — a community's leaderboard of a year, from which staff nominate its outstanding
volunteers with a citation, withdraw a nomination not published yet, and publish the year's list."""

from flask import abort, render_template, request, url_for

from admin import bp
from admin.auth import current_staff, login_required
from admin.forms import optional_int
from admin.party.views import attempt
from admin.pickers import chosen_community, community_choice
from cloudplatform.clock import local, now
from cloudplatform.identity.permissions import require
from cloudplatform.routing import MAX_ID
from cloudplatform.volunteer.ranking.queries import year_in_community
from cloudplatform.volunteer.recognition import operations as recognition
from cloudplatform.volunteer.recognition.operations import FIRST_YEAR, MANAGE
from cloudplatform.volunteer.recognition.queries import load_recognition, year_list
from cloudplatform.volunteer.volunteers.queries import load_volunteer

YEARS_SHOWN = 3  # this year and the two before


def chosen_year(value) -> int:
    this_year = local(now()).year
    year = optional_int(value)
    return year if year is not None and FIRST_YEAR <= year <= this_year else this_year


def back_to(community_id, year) -> str:
    return url_for("admin.volunteer_recognition", community_id=community_id, year=year)


@bp.get("/volunteer/recognition")
@login_required
def volunteer_recognition():
    """A community's year: its leaderboard by hours (names masked; volunteers who left the boards are
    not there), the nominations with their state, and publishing."""
    staff = require(current_staff(), MANAGE)
    choice = community_choice(staff)
    chosen = chosen_community(staff, choice, request.args.get("community_id"))
    if chosen is None and choice.only is not None:
        chosen = (choice.only, "")
    if chosen is None and choice.options:
        chosen = choice.options[0]
    year = chosen_year(request.args.get("year"))
    community_id = chosen[0] if chosen else None
    nominations = year_list(community_id, year, published_only=False) if community_id else []
    nominated = {n.volunteer_id for n in nominations}
    return render_template(
        "admin/volunteer/recognition.html",
        choice=choice,
        chosen=chosen,
        community_id=community_id,
        year=year,
        years=[local(now()).year - i for i in range(YEARS_SHOWN)],
        board=year_in_community(community_id, year) if community_id else [],
        nominations=nominations,
        nominated=nominated,
        waiting=sum(1 for n in nominations if n.published_at is None),
    )


@bp.post("/volunteer/recognition/nominate")
@login_required
def volunteer_recognition_nominate():
    """Nominate a volunteer from the year's leaderboard, with a citation (audited)."""
    staff = current_staff()
    volunteer_id, year = optional_int(request.form.get("volunteer_id")), chosen_year(request.form.get("year"))
    if volunteer_id is None or not 1 <= volunteer_id <= MAX_ID:
        abort(404)
    volunteer = load_volunteer(staff, volunteer_id, MANAGE)
    return attempt(
        lambda: recognition.nominate(staff, volunteer, year, request.form.get("citation", "")),
        back_to(volunteer.community_id, year),
        f"已提名为 {year} 年度优秀志愿者",
    )


@bp.post("/volunteer/recognition/<id:recognition_id>/withdraw")
@login_required
def volunteer_recognition_withdraw(recognition_id):
    """Withdraw a nomination not published yet (audited)."""
    staff = current_staff()
    nomination = load_recognition(staff, recognition_id)
    return attempt(
        lambda: recognition.withdraw_nomination(staff, nomination),
        back_to(nomination.community_id, nomination.year),
        "已撤回提名",
    )


@bp.post("/volunteer/recognition/publish")
@login_required
def volunteer_recognition_publish():
    """Publish the community's nominations of the year (audited); the list is public from then on."""
    staff = require(current_staff(), MANAGE)
    community_id, year = optional_int(request.form.get("community_id")), chosen_year(request.form.get("year"))
    if community_id is None or not 1 <= community_id <= MAX_ID:
        abort(404)
    return attempt(
        lambda: recognition.publish_recognitions(staff, community_id, year),
        back_to(community_id, year),
        f"已公示 {year} 年度优秀志愿者",
    )
