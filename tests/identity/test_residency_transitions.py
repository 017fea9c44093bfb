"""A residency request is decided once: every move but pending → approved / rejected is a 409."""

import itertools

import pytest
from sqlalchemy import select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import APPROVED, PENDING, REJECTED, ResidencyRequest
from cloudplatform.transitions import InvalidTransition, allowed, transition
from tests.factories import ResidencyRequestFactory, UserFactory

STATUSES = (PENDING, APPROVED, REJECTED)
ILLEGAL = [(s, t) for s, t in itertools.product(STATUSES, STATUSES) if not allowed(ResidencyRequest, s, t)]


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_an_illegal_move_is_refused_and_changes_nothing(world, source, target):
    request = ResidencyRequestFactory(
        user_id=UserFactory().id,
        community_id=world.home.id,
        building_id=world.buildings[world.home.id],
        status=source,
    )
    with pytest.raises(InvalidTransition):
        transition(request, target)
    _db.session.rollback()
    assert (
        _db.session.scalar(select(ResidencyRequest.status).where(ResidencyRequest.id == request.id)) == source
    )
