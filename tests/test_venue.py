"""The venue code: genuine, of its purpose, and from the current or the previous 30-second window only."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from cloudplatform.venue import VenueCodeExpired, VenueCodeInvalid, venue_code, verify_venue_code

T0 = datetime(2026, 12, 7, 1, 0, 5, tzinfo=UTC)  # 5 s into a window


@pytest.fixture
def clock(app):
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_the_current_code_names_its_record(clock):
    assert verify_venue_code(venue_code("booking", 42), "booking") == 42


def test_a_code_from_the_previous_window_still_works(clock):
    code = venue_code("booking", 42)
    clock.move_to(T0 + timedelta(seconds=30))
    assert verify_venue_code(code, "booking") == 42


def test_an_older_code_has_expired(clock):
    code = venue_code("booking", 42)
    clock.move_to(T0 + timedelta(seconds=60))
    with pytest.raises(VenueCodeExpired):
        verify_venue_code(code, "booking")


def test_a_code_of_another_purpose_is_refused(clock):
    with pytest.raises(VenueCodeInvalid):
        verify_venue_code(venue_code("shift", 42), "booking")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda code: code.replace(".42.", ".43."),
        lambda code: code[:-2] + ("AA" if not code.endswith("AA") else "BB"),
        lambda code: "",
        lambda code: "booking.42",
        lambda code: code + "x",
    ],
)
def test_a_forged_or_mangled_code_is_refused(clock, tamper):
    with pytest.raises(VenueCodeInvalid):
        verify_venue_code(tamper(venue_code("booking", 42)), "booking")


def test_a_code_from_the_future_is_refused(clock):
    code = venue_code("booking", 42, at=T0 + timedelta(minutes=5))
    with pytest.raises(VenueCodeInvalid):
        verify_venue_code(code, "booking")


def test_another_deployment_secret_makes_other_codes(app, clock):
    code = venue_code("booking", 42)
    app.config["SECRET_KEY"] = "another-deployment-secret-key-0123456789"
    with pytest.raises(VenueCodeInvalid):
        verify_venue_code(code, "booking")
