"""The mini-program client is typed from a snapshot of the OpenAPI document
(``miniprogram/openapi.json`` → ``npm run api:types`` → ``miniprogram/src/api/schema.d.ts``): when the API
changes, this test fails until the snapshot is refreshed, and the client's type check then shows every
screen the change breaks."""

import json
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parent.parent / "miniprogram" / "openapi.json"
REFRESH = "source scripts/_miniprogram.sh && openapi_snapshot && (cd miniprogram && npm run api:types)"


def differences(old, new, where=""):
    """Where two JSON documents differ, as JSON-pointer-like paths."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [
            d
            for key in sorted(old.keys() | new.keys())
            for d in differences(old.get(key), new.get(key), f"{where}/{key}")
        ]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            d
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for d in differences(a, b, f"{where}/{i}")
        ]
    return [] if old == new else [where or "/"]


def test_the_client_is_typed_from_the_current_api_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    changed = differences(json.loads(SNAPSHOT.read_text(encoding="utf-8")), document)
    assert not changed, (
        f"the API changed at {changed[:10]} ({len(changed)} places): refresh the client with `{REFRESH}`"
    )
