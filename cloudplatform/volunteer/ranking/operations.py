"""The tallies' writes: credit a volunteer's confirmed minutes (their total, the tallies, and a message
when they reach a new star level) and service points; a volunteer's choice to appear on leaderboards."""

from datetime import date

import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity.models import Community, User
from cloudplatform.notify.operations import notify
from cloudplatform.orm import insert_for
from cloudplatform.volunteer.models import ALL_TIME, STAR_HOURS, Volunteer, VolunteerTally, star_level
from cloudplatform.volunteer.volunteers.queries import require_volunteer

PAGE = "pages/volunteer/hours"


def periods_of(day: date) -> tuple[str, str, str]:
    """The tally periods a day of service counts in: all time, its year, its month."""
    return ALL_TIME, f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}"


def not_below_zero(total):
    """``total``, or 0 when below: a correction never takes back more than was credited, but records made
    before the totals were kept (or by hand) may disagree, and a CHECK violation would fail the request."""
    return sa.case((total < 0, 0), else_=total)


def tally(volunteer_id: int, day: date, *, minutes: int = 0, points: int = 0) -> None:
    """Move the volunteer's tallies of ``day``'s periods by ``minutes`` and ``points`` (signed), making the
    rows on first use (one INSERT ... ON CONFLICT for the three); minutes never below zero."""
    if not (minutes or points):
        return
    home = db.session.execute(
        sa.select(Volunteer.community_id, Community.street_id, Volunteer.ranked)
        .join(Community, Community.id == Volunteer.community_id)
        .where(Volunteer.id == volunteer_id)
    ).one()
    stmt = insert_for(db.session, VolunteerTally).values(
        [
            {
                "volunteer_id": volunteer_id,
                "period": period,
                "community_id": home.community_id,
                "street_id": home.street_id,
                "minutes": max(minutes, 0),
                "points": points,
                "ranked": home.ranked,
            }
            for period in periods_of(day)
        ]
    )
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["volunteer_id", "period"],
            set_={
                "minutes": not_below_zero(VolunteerTally.minutes + minutes),
                "points": VolunteerTally.points + points,
            },
        )
    )


def credit_minutes(volunteer_id: int, minutes: int, day: date) -> None:
    """Move the volunteer's confirmed total by ``minutes`` (signed: a correction takes back at most what
    was credited) and their tallies of ``day``, the Beijing day of the service; on reaching a star level
    not reached before, tell them (once per level: ``stars_told``)."""
    if not minutes:
        return
    row = db.session.execute(
        sa.update(Volunteer)
        .where(Volunteer.id == volunteer_id)
        .values(confirmed_minutes=not_below_zero(Volunteer.confirmed_minutes + minutes))
        .returning(Volunteer.confirmed_minutes, Volunteer.stars_told, Volunteer.user_id)
        .execution_options(synchronize_session=False)
    ).one()
    tally(volunteer_id, day, minutes=minutes)
    level = star_level(row.confirmed_minutes)
    if level > row.stars_told:
        db.session.execute(
            sa.update(Volunteer)
            .where(Volunteer.id == volunteer_id)
            .values(stars_told=level)
            .execution_options(synchronize_session=False)
        )
        user = db.session.get(User, row.user_id)
        assert user is not None
        notify(
            user,
            "volunteer_star",
            {
                "thing1": f"{'★' * level}{level}星志愿者",
                "thing2": f"累计服务{STAR_HOURS[level - 1]}小时以上",
                "thing3": "感谢您的志愿服务，可在小程序查看服务证明",
            },
            page=PAGE,
        )


def set_ranked(user: User, ranked: bool) -> Volunteer:
    """The volunteer appears on public leaderboards (True, the default) or not: their registration and
    every tally of theirs, at once.

    :raises NotVolunteer: the caller has not registered.
    """
    volunteer = require_volunteer(user, lock=True)
    volunteer.ranked = ranked
    db.session.execute(
        sa.update(VolunteerTally)
        .where(VolunteerTally.volunteer_id == volunteer.id)
        .values(ranked=ranked)
        .execution_options(synchronize_session=False)
    )
    return volunteer
