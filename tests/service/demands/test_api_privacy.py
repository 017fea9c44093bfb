"""The public 四公开 responses never name the resident; lists mask names; the resident's list and the public
list take at most 4 statements however many demands; the public endpoints are rate-limited."""

import json

from cloudplatform.identity.models import COMMUNITY_STAFF
from tests.helpers import count_queries
from tests.service.demands.api_fixtures import SERVICES, STAFF, cast, made_at
from tests.world import log_in


def test_the_public_view_never_names_the_resident(client, world):
    c = cast(client, world)
    demands = [made_at(client, world, c, status) for status in ("dispatched", "done", "rated")]
    responses = [client.get(f"{SERVICES}/demands/public?community_id={world.home.id}")]
    responses += [client.get(f"{SERVICES}/demands/{d}/public") for d in demands]
    for response in responses:
        assert response.status_code == 200, response.json
        text = json.dumps(response.json, ensure_ascii=False)
        assert "周桂兰" not in text and "周**" not in text
        assert "user_id" not in text and "resident" not in text
        assert "3号楼2单元楼道扶手松动" not in text and "火炬路3号楼2单元" not in text  # the text, the place
        assert "weilao-worker" not in text
    assert len(responses[0].json["items"]) == 3


def test_staff_lists_mask_the_resident(client, world):
    c = cast(client, world)
    made_at(client, world, c, "accepted")
    board = client.get(f"{STAFF}/demands", headers=log_in(client, f"staff-{COMMUNITY_STAFF}")).json["items"]
    ours = client.get(f"{STAFF}/org/demands", headers=c.worker).json["items"]
    assert [i["resident_name"] for i in board] == ["周**"] and [i["resident_name"] for i in ours] == ["周**"]
    assert "周桂兰" not in json.dumps([board, ours], ensure_ascii=False)


def test_the_lists_take_at_most_four_statements(client, app, world):
    c = cast(client, world)
    for status in ("submitted", "dispatched", "accepted", "done", "verified", "rated"):
        made_at(client, world, c, status)
    lists = {
        "mine": (f"{SERVICES}/demands/mine", c.me),
        "public": (f"{SERVICES}/demands/public?community_id={world.home.id}", {}),
    }
    for name, (url, headers) in lists.items():
        with count_queries(app) as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200 and response.json["items"], name
        assert len(statements) <= 4, (name, statements)


def test_the_public_endpoints_are_rate_limited(client, app, world):
    c = cast(client, world)
    demand = made_at(client, world, c, "dispatched")
    app.config["PUBLIC_RATE_LIMIT"] = "2 per minute"
    for url in (
        f"{SERVICES}/demands/public?community_id={world.home.id}",
        f"{SERVICES}/demands/{demand}/public",
    ):
        codes = [client.get(url).status_code for _ in range(3)]
        assert codes == [200, 200, 429], url
