"""Helpers for console tests: sign in and post forms the way a browser does (with the CSRF token)."""

import re

from cloudplatform.extensions import db
from cloudplatform.identity.models import RESIDENT, Membership
from tests.factories import PASSWORD, ResidencyRequestFactory, UserFactory

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path="/admin/sign-in"):
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, username, password=PASSWORD, **params):
    token = csrf_token(client)
    return client.post(
        "/admin/sign-in",
        query_string=params,
        data={"csrf_token": token, "username": username, "password": password},
    )


def sign_in_as(client, account):
    response = sign_in(client, account.username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return account


def submit(client, path, data=None, page="/admin/"):
    """Post a console form with the token of the page it sits on; follow the redirect to its result."""
    token = csrf_token(client, page)
    return client.post(path, data={"csrf_token": token, **(data or {})}, follow_redirects=True)


def text(response) -> str:
    return response.get_data(as_text=True)


def residency_request(world, community, **fields):
    """A pending request of a new user (phone 13800001234) for a building of ``community``."""
    user = UserFactory(phone="13800001234")
    fields = {"building_id": world.buildings[community.id]} | fields
    return ResidencyRequestFactory(user_id=user.id, community_id=community.id, **fields)


def member(community, role=RESIDENT, user=None):
    """A user holding ``role`` in ``community``."""
    user = user or UserFactory()
    db.session.add(Membership(user_id=user.id, community_id=community.id, role=role))
    db.session.commit()
    return user
