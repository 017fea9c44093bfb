"""A Hypothesis state machine over the real shift and attendance operations, end to end: volunteers sign
up (or wait), cancel, confirm offers; offers lapse; volunteers check in and out by the venue code or the
organiser scans their card; staff confirm (points awarded), correct hours, decide disputes, adjust
points; points expire — on a clock that only moves forward.

Each example begins with a scripted morning that does every kind of step once (a full shift with a
queue: a place given up, offered and taken; another offer lapsing; check-ins and check-outs by code and
card; a confirmation refused while the volunteer still serves, then one confirmed, a whole shift
confirmed; a correction; disputes upheld and dismissed; adjustments; expiry two days later), then random
steps over three new shifts with the same volunteers.

After every step, read from the database: each shift's ``taken`` is the number of sign-ups holding a
place and never above capacity; a shift not started with a free place has nobody waiting; a volunteer has
at most one active sign-up per shift and none overlapping in time; confirmed minutes lie within the
shift (whole half hours unless corrected); each volunteer's ``confirmed_minutes`` is the sum of their
confirmed sign-ups and their all-time tally; each tally (all time, the year, the month of the shift's
Beijing day) holds the minutes and the points (earn and adjust rows) of their sign-ups in that period;
the ledger is whole (balance = sum ≥ 0, running ``balance_after``, one earn row per sign-up, a day's
service points within the daily cap). Each step's outcome is foretold from the state before it (which
refusal, the minutes and points credited), and a refused step changes nothing."""

from datetime import date, timedelta
from functools import partial
from itertools import count, pairwise

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import local, now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, User
from cloudplatform.notify.models import Notification
from cloudplatform.volunteer.attendance import errors as attendance_errors
from cloudplatform.volunteer.attendance.operations import (
    DISPUTE_DAYS,
    check_in,
    check_out,
    confirm_all,
    confirm_attendance,
    correct_hours,
    decide_dispute,
    dispute_hours,
    scan_volunteer,
)
from cloudplatform.volunteer.models import (
    ADJUST,
    ALL_TIME,
    DISPUTE_OPEN,
    EARN,
    HOLDS_PLACE,
    OFFER_HOURS,
    OFFERED,
    PUBLISHED,
    SIGNED_UP,
    SIGNUP_ACTIVE,
    WAITING,
    HoursDispute,
    PointAccount,
    PointEntry,
    Shift,
    ShiftSignup,
    Volunteer,
    VolunteerTally,
)
from cloudplatform.volunteer.points.errors import InsufficientPoints
from cloudplatform.volunteer.points.operations import adjust_points
from cloudplatform.volunteer.points.tasks import expire_points
from cloudplatform.volunteer.shifts import errors as shift_errors
from cloudplatform.volunteer.shifts.operations import cancel_signup, confirm_offer, lapse_offers, sign_up
from tests.volunteer.attendance_fixtures import card_code, shift_code
from tests.volunteer.fixtures import START, project, shift, volunteer
from tests.volunteer.fixtures import rule as make_rule
from tests.volunteer.points_fixtures import check_ledger, clock

__all__ = ["clock"]

PEOPLE = 5
POINTS_PER_HOUR, DAILY_CAP = 10, 40
PERCENT = {"elderly": 150, "youth": 100}  # the rule's multipliers (youth: none, 100)
# the shifts, relative to when they are published: (project category, starts in minutes, length in
# minutes, cancel deadline in hours); the first two overlap, the third starts as the first ends
LAYOUT = (("elderly", 60, 120, 0), ("youth", 90, 60, 1), ("elderly", 180, 90, 0))

# attendance steps happen now, or first move the clock to so many minutes after the shift's start
ARRIVALS = st.sampled_from([-20, None, 0, 25, -40, 50, 130])
LATER = st.sampled_from([None, 30, 150])  # staff confirm now, during the shift, or after it

ATTENDANCE_REFUSALS = (
    attendance_errors.NotSignedUp,
    attendance_errors.AlreadyCheckedIn,
    attendance_errors.AlreadyCheckedOut,
    attendance_errors.NotCheckedIn,
    attendance_errors.CheckInClosed,
    attendance_errors.CheckOutClosed,
)
EVERY_KIND = {
    "sign_up",
    "sign_up refused",
    "wait in line",
    "cancel",
    "promote",
    "confirm offer",
    "lapse",
    "check in",
    "check out",
    "scan",
    "still serving",
    "confirm",
    "confirm all",
    "correct",
    "dispute",
    "uphold",
    "dismiss",
    "adjust",
    "adjust refused",
    "expire",
}


def half_hours_attended(row: ShiftSignup, on: Shift) -> int:
    """The oracle for a confirmation: from the check-in (at the earliest the start) to the check-out (at
    the latest the end; the end when there is none), whole half hours down."""
    assert row.checked_in_at is not None
    start = max(row.checked_in_at, on.starts_at)
    end = min(row.checked_out_at or on.ends_at, on.ends_at)
    return max(0, int((end - start).total_seconds() // 60)) // 30 * 30


def length_of(on: Shift) -> int:
    return int((on.ends_at - on.starts_at).total_seconds() // 60)


def points_for(minutes: int, on: Shift) -> int:
    return minutes * POINTS_PER_HOUR * PERCENT[on.project.category] // (60 * 100)


def service_points(user_id: int, day: date) -> int:
    """What the user holds for service on ``day``: its earn rows and the adjust rows correcting them."""
    return _db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0)).where(
            PointEntry.user_id == user_id,
            PointEntry.kind.in_((EARN, ADJUST)),
            PointEntry.signup_id.is_not(None),
            PointEntry.served_on == day,
        )
    )


def held_for(signup_id: int) -> int:
    return _db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0)).where(
            PointEntry.signup_id == signup_id, PointEntry.kind.in_((EARN, ADJUST))
        )
    )


def balance_of(user_id: int) -> int:
    return _db.session.scalar(sa.select(PointAccount.balance).where(PointAccount.user_id == user_id)) or 0


def periods_of(day: date) -> tuple[str, str, str]:
    return ALL_TIME, f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}"


def snapshot() -> tuple:
    """Everything a refused step must leave as it was."""
    _db.session.expire_all()

    def rows(*columns):
        return sorted(_db.session.execute(sa.select(*columns)).tuples().all())

    return (
        rows(
            ShiftSignup.id,
            ShiftSignup.status,
            ShiftSignup.offered_until,
            ShiftSignup.checked_in_at,
            ShiftSignup.checked_out_at,
            ShiftSignup.scanned_by_id,
            ShiftSignup.minutes,
            ShiftSignup.confirmed_at,
        ),
        rows(Shift.id, Shift.taken, Shift.status),
        rows(PointAccount.user_id, PointAccount.balance, PointAccount.earned),
        rows(Volunteer.id, Volunteer.confirmed_minutes, Volunteer.stars_told),
        rows(
            VolunteerTally.volunteer_id, VolunteerTally.period, VolunteerTally.minutes, VolunteerTally.points
        ),
        rows(HoursDispute.id, HoursDispute.status, HoursDispute.minutes_after),
        _db.session.scalar(sa.select(sa.func.count(PointEntry.id))),
        _db.session.scalar(sa.select(sa.func.count(Notification.id))),
        _db.session.scalar(sa.select(sa.func.count(AuditEntry.id))),
    )


def test_random_shift_steps_keep_places_hours_and_points_whole(app, world, clock):  # noqa: C901  (the machine's rules are its body)
    app.config["POINTS_EXPIRE_DAYS"] = 1  # points expire as the clock moves on
    make_rule(
        world.home,
        points_per_hour=POINTS_PER_HOUR,
        multipliers={"elderly": PERCENT["elderly"]},
        daily_cap=DAILY_CAP,
        effective_from=date(2000, 1, 1),
    )
    projects = {category: project(world.home, category=category) for category in PERCENT}
    examples = count()
    admin = world.staff[COMMUNITY_ADMIN]
    corrected: set[int] = set()  # sign-ups whose minutes staff set (any number within the shift)
    done: set[str] = set()

    def attempt(step, *errors) -> type | None:
        """Run ``step`` as a request would: None if it went through (committed), else the class of the
        refusal among ``errors``, having changed nothing."""
        before = snapshot()
        try:
            step()
        except errors as refusal:
            _db.session.rollback()
            assert snapshot() == before, type(refusal).__name__
            return type(refusal)
        _db.session.commit()
        return None

    class Shifts(RuleBasedStateMachine):
        def __init__(self):
            """Each example on its own: new volunteers, a month after the last example began."""
            super().__init__()
            _db.session.rollback()  # whatever a failed example left open
            example = next(examples)
            clock.move_to(START + timedelta(days=30 * example))
            self.people = [volunteer(world.home, f"v{example}-{i}") for i in range(PEOPLE)]
            self.volunteer_ids = [p.id for p in self.people]
            self.user_ids = [p.user_id for p in self.people]
            self.shift_ids: list[int] = []  # the random steps' shifts (after the script's)
            self.every_shift: list[int] = []
            self.signup_ids: list[int] = []  # this example's sign-ups, whatever their status
            self.dispute_ids: list[int] = []

        @initialize(
            capacities=st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(1, 2)),
            first=st.tuples(*[st.lists(st.integers(0, PEOPLE - 1), unique=True, max_size=4)] * len(LAYOUT)),
        )
        def script_then_publish(self, capacities, first):
            """The scripted morning; two days later, the shifts of the random steps published, and the first
            volunteers signing up for each in turn (a queue forms where more come than there are places; the
            overlapping shift is refused to some)."""
            self.script()
            clock.move_to(now() + timedelta(days=2))
            assert self.expire() > 0  # the morning's points, credited two days ago
            assert self.adjust(2, -1) is InsufficientPoints
            self.shift_ids = self.publish(capacities)
            for shift_id, line in zip(self.shift_ids, first, strict=True):
                for who in line:
                    self.sign(who, shift_id)

        def script(self):
            """Every kind of step once, each outcome foretold (0..4: the example's volunteers)."""
            begun = now()

            def at(minutes: int) -> None:
                assert begun + timedelta(minutes=minutes) >= now()
                clock.move_to(begun + timedelta(minutes=minutes))

            first, overlapping, later = self.publish((1, 1, 2))  # 09:00-11:00, 09:30-10:30, 11:00-12:30
            assert self.sign(0, first) == SIGNED_UP
            assert self.sign(1, first) == WAITING
            assert self.sign(2, first) == WAITING
            assert self.sign(0, overlapping) is shift_errors.ShiftOverlaps
            assert self.sign(3, overlapping) == SIGNED_UP
            assert self.sign(4, overlapping) == WAITING
            assert self.sign(0, later) == SIGNED_UP
            assert self.sign(3, later) == SIGNED_UP
            assert self.cancel(0, first) == 1  # offered to 1
            assert self.take_offer(1, first) is None
            assert self.cancel(3, overlapping) == 4  # offered to 4, until the start
            at(40)
            assert self.attend(1, first, card=False) is None  # checks in 20 minutes early
            at(90)
            assert self.lapse() == 1  # 4's offer
            at(120)
            signup = self.signup_of(1, first)
            assert self.confirm(signup) is attendance_errors.StillServing
            assert self.confirm_shift(first) == 0  # nobody checked out
            at(150)
            assert self.attend(1, first, card=True) is None  # scanned out
            assert self.confirm(signup) is None  # 90 minutes
            at(175)
            assert self.attend(0, later, card=True) is None  # scanned in
            at(185)
            assert self.attend(3, later, card=False) is None  # never checks out
            at(240)
            assert self.attend(0, later, card=False) is None  # checks out
            at(275)
            assert self.confirm_shift(later) == 2  # 60 and 60 minutes (3 arrived late, till the end)
            assert self.correct(signup, 60, "补录时长") is None
            assert self.correct(signup, 30, " ") is attendance_errors.ReasonRequired
            upheld = self.dispute(self.signup_of(0, later), 90)
            dismissed = self.dispute(self.signup_of(3, later), 30)
            assert isinstance(upheld, int) and isinstance(dismissed, int)
            assert self.dispute(self.signup_of(0, later), 30) is attendance_errors.AlreadyDisputed
            assert self.decide(upheld, True, None) is None
            assert self.decide(dismissed, False, None) is None
            assert self.decide(dismissed, True, 60) is attendance_errors.DisputeDecided
            assert self.adjust(2, 5) is None
            assert self.adjust(2, -50) is InsufficientPoints
            self.check_everything()

        # -- helpers ------------------------------------------------------------------------------------

        def publish(self, capacities) -> list[int]:
            made_ids = []
            for (category, starts_in, length, deadline), capacity in zip(LAYOUT, capacities, strict=True):
                made = shift(
                    projects[category],
                    starts_in=timedelta(minutes=starts_in),
                    hours=length / 60,
                    capacity=capacity,
                )
                made.cancel_deadline_hours = deadline
                _db.session.commit()
                made_ids.append(made.id)
            self.every_shift += made_ids
            return made_ids

        def user(self, who: int) -> User:
            found = _db.session.get(User, self.user_ids[who])
            assert found is not None
            return found

        def load(self, shift_id: int) -> Shift:
            _db.session.expire_all()
            found = _db.session.get(Shift, shift_id)
            assert found is not None
            return found

        def signup_of(self, who: int, shift_id: int) -> int:
            return _db.session.scalar(
                sa.select(ShiftSignup.id).where(
                    ShiftSignup.shift_id == shift_id, ShiftSignup.volunteer_id == self.volunteer_ids[who]
                )
            )

        def pick(
            self, data, prefer: str = SIGNED_UP, queued_first: bool = False, checked_in_first: bool = False
        ) -> tuple[int, int]:
            """(volunteer, shift id): of an active sign-up of the random steps' shifts if any (in status
            ``prefer`` first; of a shift with a queue first if ``queued_first``), else any."""
            other = sa.orm.aliased(ShiftSignup)
            queued = sa.exists().where(other.shift_id == ShiftSignup.shift_id, other.status == WAITING)
            held = _db.session.execute(
                sa.select(ShiftSignup.volunteer_id, ShiftSignup.shift_id)
                .where(ShiftSignup.shift_id.in_(self.shift_ids), ShiftSignup.status.in_(SIGNUP_ACTIVE))
                .order_by(
                    *([~queued] if queued_first else []),
                    ShiftSignup.status != prefer,
                    ShiftSignup.checked_in_at.is_(None) == checked_in_first,
                    ShiftSignup.id,
                )
            ).all()
            if held:
                chosen = data.draw(st.sampled_from(held), label="place")
                return self.volunteer_ids.index(chosen[0]), chosen[1]
            who = data.draw(st.integers(0, PEOPLE - 1), label="volunteer")
            return who, data.draw(st.sampled_from(self.shift_ids), label="shift")

        def pick_signup(self, data, confirmed: bool = True) -> int:
            """One of this example's sign-ups (the script's too): the confirmed first (else those to
            confirm first)."""
            _db.session.expire_all()
            rows = _db.session.scalars(
                sa.select(ShiftSignup.id)
                .where(ShiftSignup.id.in_(self.signup_ids))
                .order_by(
                    ShiftSignup.confirmed_at.is_(None) == confirmed,
                    ShiftSignup.checked_in_at.is_(None),
                    ShiftSignup.id,
                )
            ).all()
            return data.draw(st.sampled_from(rows), label="sign-up")

        def arrive(self, shift_id: int, minutes: int | None) -> Shift:
            """The shift, the clock moved first to ``minutes`` after its start if that is still ahead."""
            on = self.load(shift_id)
            if minutes is not None and on.starts_at + timedelta(minutes=minutes) > now():
                clock.move_to(on.starts_at + timedelta(minutes=minutes))
            return on

        def waiting(self, shift_id: int) -> list[int]:
            return list(
                _db.session.scalars(
                    sa.select(ShiftSignup.id)
                    .where(ShiftSignup.shift_id == shift_id, ShiftSignup.status == WAITING)
                    .order_by(ShiftSignup.id)
                )
            )

        def offers(self, shift_id: int) -> set[int]:
            return set(
                _db.session.scalars(
                    sa.select(ShiftSignup.id).where(
                        ShiftSignup.shift_id == shift_id, ShiftSignup.status == OFFERED
                    )
                )
            )

        def expect_award(self, row: ShiftSignup, on: Shift) -> tuple[int, int]:
            """(the minutes a confirmation credits, the points it awards), from the state before it."""
            minutes = half_hours_attended(row, on)
            day = local(on.starts_at).date()
            return minutes, max(0, min(points_for(minutes, on), DAILY_CAP - service_points(row.user_id, day)))

        def check_confirmed(self, signup_id: int, minutes: int, points: int) -> None:
            _db.session.expire_all()
            row = _db.session.get(ShiftSignup, signup_id)
            assert row is not None and row.confirmed_at == now() and row.minutes == minutes
            earned = _db.session.scalars(
                sa.select(PointEntry.amount).where(PointEntry.signup_id == signup_id, PointEntry.kind == EARN)
            ).all()
            assert earned == ([points] if points else [])

        def check_everything(self) -> None:
            self.places_are_counted_and_offered()
            self.a_volunteer_is_in_one_place_at_a_time()
            self.hours_are_within_the_shift_and_summed()
            self.tallies_hold_their_periods()
            self.the_ledger_is_whole()

        # -- the steps: each foretells its outcome, runs, and says which it was -------------------------

        def sign(self, who: int, shift_id: int) -> str | type:
            """Sign ``who`` up: their status (a place while one is free, else the queue) or the refusal."""
            on = self.load(shift_id)
            free = on.taken < on.capacity
            made = []
            refusal = attempt(
                lambda: made.append(sign_up(self.user(who), on.id).id),
                shift_errors.AlreadySignedUpShift,
                shift_errors.ShiftOverlaps,
                shift_errors.ShiftClosed,
            )
            if refusal is not None:
                done.add("sign_up refused")
                return refusal
            self.signup_ids.append(made[0])
            row = _db.session.get(ShiftSignup, made[0])
            assert row is not None
            assert row.status == (SIGNED_UP if free else WAITING)
            done.add("sign_up" if free else "wait in line")
            return row.status

        def cancel(self, who: int, shift_id: int) -> type | int | None:
            """``who`` gives up their place (or offer, or waiting place): the refusal, else whom the freed
            place was offered to (None: nobody)."""
            on = self.load(shift_id)
            line, offered = self.waiting(on.id), self.offers(on.id)
            refusal = attempt(
                lambda: cancel_signup(self.user(who), on.id),
                shift_errors.ShiftSignupNotFound,
                shift_errors.ShiftCancelTooLate,
            )
            if refusal is not None:
                return refusal
            done.add("cancel")
            promoted = self.offers(on.id) - offered
            if not promoted:
                return None
            assert promoted == {line[0]}  # the freed place went to the first in line, until at most the start
            row = _db.session.get(ShiftSignup, line[0])
            assert row is not None
            assert row.offered_until == min(now() + timedelta(hours=OFFER_HOURS), on.starts_at)
            done.add("promote")
            return self.volunteer_ids.index(row.volunteer_id)

        def take_offer(self, who: int, shift_id: int) -> type | None:
            taken = self.load(shift_id).taken
            refusal = attempt(
                lambda: confirm_offer(self.user(who), shift_id),
                shift_errors.ShiftSignupNotFound,
                shift_errors.OfferExpired,
            )
            if refusal is None:
                assert self.load(shift_id).taken == taken
                done.add("confirm offer")
            return refusal

        def lapse(self) -> int:
            """The job lapsing the offers, as the scheduler runs it: how many lapsed."""
            lines = {shift_id: self.waiting(shift_id) for shift_id in self.every_shift}
            result = lapse_offers()
            _db.session.commit()
            if result["lapsed"]:
                done.add("lapse")
            stale = _db.session.scalar(
                sa.select(sa.func.count()).where(
                    ShiftSignup.status == OFFERED, ShiftSignup.offered_until <= now()
                )
            )
            assert stale == 0
            for shift_id, line in lines.items():  # offers go to the first in line
                still = set(self.waiting(shift_id))
                promoted = [signup_id for signup_id in line if signup_id not in still]
                assert promoted == line[: len(promoted)]
            assert lapse_offers() == {"lapsed": 0, "offered": 0}  # a second run finds nothing
            _db.session.commit()
            return result["lapsed"]

        def attend(self, who: int, shift_id: int, card: bool) -> type | None:
            """``who`` checks in (or out, when in already) by the venue code, or the organiser scans their
            card (in, or out when in)."""
            on = self.load(shift_id)
            row = _db.session.scalar(
                sa.select(ShiftSignup).where(
                    ShiftSignup.shift_id == shift_id,
                    ShiftSignup.volunteer_id == self.volunteer_ids[who],
                    ShiftSignup.status == SIGNED_UP,
                )
            )
            direction = "in" if row is None or row.checked_in_at is None else "out"
            if card:
                step = partial(scan_volunteer, admin, on.id, card_code(self.people[who]))
            else:
                step = partial(check_in if direction == "in" else check_out, self.user(who), shift_code(on))
            refusal = attempt(step, *ATTENDANCE_REFUSALS)
            if refusal is None:
                done.add("scan" if card else f"check {direction}")
            return refusal

        def confirm(self, signup_id: int) -> type | None:
            """Staff confirm one sign-up's hours: the refusal foretold, else the minutes and points."""
            _db.session.expire_all()
            row = _db.session.get(ShiftSignup, signup_id)
            assert row is not None
            on = row.shift
            if now() < on.starts_at:
                expected: type | tuple = attendance_errors.ShiftNotStarted
            elif row.checked_in_at is None or row.status != SIGNED_UP:
                expected = attendance_errors.NotAttended
            elif row.confirmed_at is not None:
                expected = attendance_errors.AttendanceConfirmed
            elif row.checked_out_at is None and now() < on.ends_at:
                expected = attendance_errors.StillServing
            else:
                expected = self.expect_award(row, on)
            refusal = attempt(
                lambda: confirm_attendance(admin, row),
                attendance_errors.ShiftNotStarted,
                attendance_errors.NotAttended,
                attendance_errors.AttendanceConfirmed,
                attendance_errors.StillServing,
            )
            if isinstance(expected, tuple):
                assert refusal is None, refusal
                self.check_confirmed(signup_id, *expected)
                done.add("confirm")
            else:
                assert refusal is expected, (refusal, expected)
                if refusal is attendance_errors.StillServing:
                    done.add("still serving")
            return refusal

        def confirm_shift(self, shift_id: int) -> type | int:
            """Staff confirm the whole shift: those checked in and not confirmed, while the shift is on
            only those who checked out; how many."""
            on = self.load(shift_id)
            due = _db.session.scalars(
                sa.select(ShiftSignup)
                .where(
                    ShiftSignup.shift_id == on.id,
                    ShiftSignup.status == SIGNED_UP,
                    ShiftSignup.checked_in_at.is_not(None),
                    ShiftSignup.confirmed_at.is_(None),
                )
                .order_by(ShiftSignup.id)
            ).all()
            expected = {
                row.id: self.expect_award(row, on)
                for row in due
                if row.checked_out_at is not None or now() >= on.ends_at
            }
            counted = []
            refusal = attempt(
                lambda: counted.append(confirm_all(admin, on)), attendance_errors.ShiftNotStarted
            )
            assert (refusal is not None) == (now() < on.starts_at)
            if refusal is not None:
                return refusal
            assert counted == [len(expected)]
            for signup_id, (minutes, points) in expected.items():
                self.check_confirmed(signup_id, minutes, points)
            if expected:
                done.add("confirm all")
            return len(expected)

        def correct(self, signup_id: int, minutes: int, reason: str) -> type | None:
            """Staff correct a sign-up's minutes: the refusal foretold, else the minutes set and the
            points held for the sign-up moved to what they now earn (within the day's cap; a cut takes at
            most the balance)."""
            _db.session.expire_all()
            row = _db.session.get(ShiftSignup, signup_id)
            assert row is not None
            on = row.shift
            held = held_for(signup_id)
            if not reason.strip():
                expected: type | None = attendance_errors.ReasonRequired
            elif row.confirmed_at is None:
                expected = attendance_errors.HoursNotConfirmed
            elif not 0 <= minutes <= length_of(on):
                expected = attendance_errors.InvalidMinutes
            else:
                expected = None
                others = service_points(row.user_id, local(on.starts_at).date()) - held
                target = max(0, min(points_for(minutes, on), DAILY_CAP - others))
            refusal = attempt(
                lambda: correct_hours(admin, row, minutes, reason),
                attendance_errors.HoursNotConfirmed,
                attendance_errors.InvalidMinutes,
                attendance_errors.ReasonRequired,
            )
            assert refusal is expected, (refusal, expected)
            if refusal is None:
                self.check_corrected(row, minutes, target)
                done.add("correct")
            return refusal

        def check_corrected(self, row: ShiftSignup, minutes: int, target: int) -> None:
            corrected.add(row.id)
            _db.session.expire_all()
            assert _db.session.get(ShiftSignup, row.id).minutes == minutes
            after = held_for(row.id)
            assert after == target or (after > target and balance_of(row.user_id) == 0), (after, target)

        def dispute(self, signup_id: int, claimed: int | None) -> type | int:
            """The volunteer disputes their hours: the refusal foretold, else the dispute's id."""
            _db.session.expire_all()
            row = _db.session.get(ShiftSignup, signup_id)
            assert row is not None
            disputed = _db.session.scalar(
                sa.select(sa.func.count()).where(HoursDispute.signup_id == signup_id)
            )
            if row.confirmed_at is None:
                expected: type | None = attendance_errors.HoursNotConfirmed
            elif now() > row.confirmed_at + timedelta(days=DISPUTE_DAYS):
                expected = attendance_errors.DisputeWindowClosed
            elif claimed is not None and not 0 <= claimed <= length_of(row.shift):
                expected = attendance_errors.InvalidMinutes
            elif disputed:
                expected = attendance_errors.AlreadyDisputed
            else:
                expected = None
            owner = self.user(self.volunteer_ids.index(row.volunteer_id))
            made = []
            refusal = attempt(
                lambda: made.append(dispute_hours(owner, signup_id, "签到时间有误", claimed).id),
                attendance_errors.HoursNotConfirmed,
                attendance_errors.AlreadyDisputed,
                attendance_errors.DisputeWindowClosed,
                attendance_errors.InvalidMinutes,
            )
            assert refusal is expected, (refusal, expected)
            if refusal is not None:
                return refusal
            self.dispute_ids.append(made[0])
            done.add("dispute")
            return made[0]

        def decide(self, dispute_id: int, uphold: bool, minutes: int | None) -> type | None:
            """Staff decide a dispute: upheld, the minutes (given, else claimed) corrected as by
            ``correct``; dismissed, they stand."""
            _db.session.expire_all()
            dispute = _db.session.get(HoursDispute, dispute_id)
            assert dispute is not None
            row = dispute.signup
            on = row.shift
            set_to = minutes if minutes is not None else dispute.claimed_minutes
            before, held = row.minutes, held_for(row.id)
            if uphold and (set_to is None or not 0 <= set_to <= length_of(on)):
                expected: type | None = attendance_errors.InvalidMinutes
            elif dispute.status != DISPUTE_OPEN:
                expected = attendance_errors.DisputeDecided
            else:
                expected = None
            if uphold and expected is None:
                others = service_points(row.user_id, local(on.starts_at).date()) - held
                target = max(0, min(points_for(set_to, on), DAILY_CAP - others))
            refusal = attempt(
                lambda: decide_dispute(admin, dispute, uphold, "已核实", minutes),
                attendance_errors.DisputeDecided,
                attendance_errors.InvalidMinutes,
            )
            assert refusal is expected, (refusal, expected)
            if refusal is not None:
                return refusal
            if uphold:
                self.check_corrected(row, set_to, target)
            else:
                _db.session.expire_all()
                assert _db.session.get(ShiftSignup, row.id).minutes == before
                assert held_for(row.id) == held
            done.add("uphold" if uphold else "dismiss")
            return None

        def adjust(self, who: int, amount: int) -> type | None:
            expected = InsufficientPoints if amount < 0 and -amount > balance_of(self.user_ids[who]) else None
            refusal = attempt(
                lambda: adjust_points(admin, self.user_ids[who], amount, "人工调整"), InsufficientPoints
            )
            assert refusal is expected
            done.add("adjust refused" if refusal else "adjust")
            return refusal

        def expire(self) -> int:
            expired = expire_points()
            _db.session.commit()
            if expired:
                done.add("expire")
            assert expire_points() == 0  # a second run finds nothing
            _db.session.commit()
            return expired

        # -- the rules: each draws one of a few related steps ----------------------------------------

        @rule(who=st.integers(0, PEOPLE - 1), which=st.integers(0, len(LAYOUT) - 1))
        def sign_up_for_a_shift(self, who, which):
            self.sign(who, self.shift_ids[which])

        @precondition(lambda self: self.signup_ids)
        @rule(data=st.data(), step=st.sampled_from(["cancel", "confirm offer"]))
        def a_volunteer_gives_up_or_takes_a_place(self, data, step):
            if step == "cancel":
                self.cancel(*self.pick(data, queued_first=True))
            else:
                self.take_offer(*self.pick(data, prefer=OFFERED))

        @rule(ahead=st.integers(1, 3), extra=st.sampled_from([0, 5]), job=st.sampled_from([True, False]))
        def wait(self, ahead, extra, job):
            """Move the clock to the ``ahead``-th next moment of note (check-in opening, the start, the
            middle, the end, check-out closing...) of the shifts, ``extra`` minutes after; then the job
            lapsing the offers runs (every 5 minutes in production), unless not yet."""
            moments = sorted(
                moment
                for on in map(self.load, self.shift_ids)
                for moment in (
                    on.starts_at - timedelta(minutes=45),
                    on.starts_at - timedelta(minutes=25),
                    on.starts_at - timedelta(minutes=5),
                    on.starts_at + timedelta(minutes=20),
                    on.ends_at - timedelta(minutes=10),
                    on.ends_at + timedelta(minutes=20),
                    on.ends_at + timedelta(minutes=45),
                )
                if moment > now()
            )
            if moments:
                clock.move_to(moments[min(ahead, len(moments)) - 1] + timedelta(minutes=extra))
            else:
                clock.shift(timedelta(hours=1))
            if job:
                self.lapse()

        @rule(
            data=st.data(),
            card=st.sampled_from([False, True]),
            arrive=ARRIVALS,
            leave=st.sampled_from([None, 60, 100, 30, 200]),
        )
        def serve(self, data, card, arrive, leave):
            """A volunteer comes to a shift (the clock moved to ``arrive`` minutes after its start, if
            ahead) and checks in by its venue code — or the organiser scans their card — then maybe leaves
            ``leave`` minutes after the start, checking out the same way."""
            who, shift_id = self.pick(data)
            self.arrive(shift_id, arrive)
            if self.attend(who, shift_id, card) is None and leave is not None:
                self.arrive(shift_id, leave)
                self.attend(who, shift_id, card)

        @precondition(lambda self: self.signup_ids)
        @rule(
            data=st.data(),
            step=st.sampled_from(["confirm one", "correct", "confirm all"]),
            arrive=LATER,
            minutes=st.sampled_from([45, 0, 60, 210, -10]),
            reason=st.sampled_from(["补录时长", " "]),
        )
        def staff_confirm_or_correct_hours(self, data, step, arrive, minutes, reason):
            if step == "confirm one":
                signup_id = self.pick_signup(data, confirmed=False)
                self.arrive(_db.session.get(ShiftSignup, signup_id).shift_id, arrive)
                self.confirm(signup_id)
            elif step == "confirm all":
                shift_id = data.draw(st.sampled_from(self.shift_ids), label="shift")
                self.arrive(shift_id, arrive)
                self.confirm_shift(shift_id)
            else:
                self.correct(self.pick_signup(data), minutes, reason)

        @precondition(lambda self: self.signup_ids)
        @rule(
            data=st.data(),
            decide=st.sampled_from([False, True]),
            claimed=st.sampled_from([None, 0, 30, 90, 500]),
            uphold=st.sampled_from([True, False]),
            minutes=st.sampled_from([None, 60, 999]),
        )
        def a_volunteer_disputes_or_staff_decide(self, data, decide, claimed, uphold, minutes):
            if decide and self.dispute_ids:
                self.decide(data.draw(st.sampled_from(self.dispute_ids), label="dispute"), uphold, minutes)
            else:
                self.dispute(self.pick_signup(data), claimed)

        @rule(who=st.integers(0, PEOPLE - 1), amount=st.sampled_from([-50, -15, -1, 5, 30]))
        def adjust_the_points(self, who, amount):
            self.adjust(who, amount)

        @rule()
        def expire_old_points(self):
            self.expire()

        # -- invariants --------------------------------------------------------------------------------

        @invariant()
        def places_are_counted_and_offered(self):
            _db.session.expire_all()
            for on in _db.session.scalars(sa.select(Shift).where(Shift.id.in_(self.every_shift))):
                statuses = _db.session.scalars(
                    sa.select(ShiftSignup.status).where(ShiftSignup.shift_id == on.id)
                ).all()
                held = sum(status in HOLDS_PLACE for status in statuses)
                assert on.taken == held <= on.capacity, (on.id, on.taken, held, on.capacity)
                if on.status == PUBLISHED and on.starts_at > now() and on.taken < on.capacity:
                    assert WAITING not in statuses, on.id  # a free place is offered at once
            for row in _db.session.scalars(sa.select(ShiftSignup).where(ShiftSignup.status == OFFERED)):
                assert row.offered_until is not None and row.offered_until <= row.starts_at

        @invariant()
        def a_volunteer_is_in_one_place_at_a_time(self):
            active = _db.session.execute(
                sa.select(
                    ShiftSignup.volunteer_id, ShiftSignup.shift_id, ShiftSignup.starts_at, ShiftSignup.ends_at
                )
                .where(ShiftSignup.status.in_(SIGNUP_ACTIVE))
                .order_by(ShiftSignup.volunteer_id, ShiftSignup.starts_at)
            ).all()
            seen = set()
            for (vol, shift_id, _, ends), (next_vol, _, next_starts, _) in pairwise(active):
                if vol == next_vol:
                    assert ends <= next_starts, (vol, shift_id)
            for vol, shift_id, _, _ in active:
                assert (vol, shift_id) not in seen
                seen.add((vol, shift_id))

        @invariant()
        def hours_are_within_the_shift_and_summed(self):
            rows = _db.session.execute(
                sa.select(ShiftSignup, Shift)
                .join(Shift, Shift.id == ShiftSignup.shift_id)
                .where(ShiftSignup.volunteer_id.in_(self.volunteer_ids))
            ).all()
            totals = dict.fromkeys(self.volunteer_ids, 0)
            for row, on in rows:
                assert (row.minutes is None) == (row.confirmed_at is None), row.id
                if row.checked_out_at is not None:
                    assert row.checked_in_at is not None and row.checked_in_at <= row.checked_out_at
                if row.confirmed_at is None:
                    continue
                assert row.checked_in_at is not None and row.status == SIGNED_UP, row.id
                assert 0 <= row.minutes <= length_of(on)
                # confirmed once checked out or once the shift was over
                assert row.checked_out_at is not None or row.confirmed_at >= on.ends_at, row.id
                if row.id not in corrected:
                    assert row.minutes % 30 == 0, row.id
                totals[row.volunteer_id] += row.minutes
            cached = dict(
                _db.session.execute(
                    sa.select(Volunteer.id, Volunteer.confirmed_minutes).where(
                        Volunteer.id.in_(self.volunteer_ids)
                    )
                )
                .tuples()
                .all()
            )
            assert cached == totals

        @invariant()
        def tallies_hold_their_periods(self):
            """Each volunteer's tallies: per period of the shifts' Beijing days, the confirmed minutes and
            the points their sign-ups' earn and adjust rows hold; all time, their ``confirmed_minutes``."""
            expected: dict[tuple[int, str], list[int]] = {}
            minutes = _db.session.execute(
                sa.select(ShiftSignup.volunteer_id, ShiftSignup.starts_at, ShiftSignup.minutes).where(
                    ShiftSignup.volunteer_id.in_(self.volunteer_ids), ShiftSignup.confirmed_at.is_not(None)
                )
            ).all()
            for vol, starts_at, served in minutes:
                for period in periods_of(local(starts_at).date()):
                    expected.setdefault((vol, period), [0, 0])[0] += served
            points = _db.session.execute(
                sa.select(ShiftSignup.volunteer_id, ShiftSignup.starts_at, sa.func.sum(PointEntry.amount))
                .join(PointEntry, PointEntry.signup_id == ShiftSignup.id)
                .where(ShiftSignup.volunteer_id.in_(self.volunteer_ids), PointEntry.kind.in_((EARN, ADJUST)))
                .group_by(ShiftSignup.id, ShiftSignup.volunteer_id, ShiftSignup.starts_at)
            ).all()
            for vol, starts_at, amount in points:
                for period in periods_of(local(starts_at).date()):
                    expected.setdefault((vol, period), [0, 0])[1] += amount
            tallied = {
                (vol, period): [served, earned]
                for vol, period, served, earned in _db.session.execute(
                    sa.select(
                        VolunteerTally.volunteer_id,
                        VolunteerTally.period,
                        VolunteerTally.minutes,
                        VolunteerTally.points,
                    ).where(VolunteerTally.volunteer_id.in_(self.volunteer_ids))
                )
                if served or earned
            }
            assert tallied == {key: value for key, value in expected.items() if any(value)}
            confirmed = dict(
                _db.session.execute(
                    sa.select(Volunteer.id, Volunteer.confirmed_minutes).where(
                        Volunteer.id.in_(self.volunteer_ids)
                    )
                )
                .tuples()
                .all()
            )
            for vol, total in confirmed.items():
                assert tallied.get((vol, ALL_TIME), [0, 0])[0] == total, vol

        @invariant()
        def the_ledger_is_whole(self):
            check_ledger()
            held = _db.session.execute(
                sa.select(
                    PointEntry.user_id,
                    PointEntry.served_on,
                    PointEntry.signup_id,
                    sa.func.sum(PointEntry.amount),
                )
                .where(
                    PointEntry.kind.in_((EARN, ADJUST)),
                    PointEntry.signup_id.is_not(None),
                    PointEntry.user_id.in_(self.user_ids),
                )
                .group_by(PointEntry.user_id, PointEntry.served_on, PointEntry.signup_id)
            ).all()
            per_day: dict[tuple, int] = {}
            for user_id, day, _, amount in held:
                assert amount >= 0
                per_day[user_id, day] = per_day.get((user_id, day), 0) + amount
            assert all(amount <= DAILY_CAP for amount in per_day.values()), per_day
            earned = _db.session.execute(
                sa.select(
                    PointEntry.signup_id, ShiftSignup.user_id, PointEntry.user_id, ShiftSignup.confirmed_at
                )
                .join(ShiftSignup, ShiftSignup.id == PointEntry.signup_id)
                .where(PointEntry.kind == EARN, PointEntry.user_id.in_(self.user_ids))
            ).all()
            for _, owner, credited, confirmed_at in earned:  # awards only for confirmed attendance, its own
                assert owner == credited and confirmed_at is not None

    Shifts.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=25,
        deadline=None,
        derandomize=True,  # the same examples every run, in CI too
        suppress_health_check=list(HealthCheck),
    )
    Shifts.TestCase().runTest()
    assert done >= EVERY_KIND, EVERY_KIND - done
