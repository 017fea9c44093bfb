"""Helpers for the 困难救助 API tests: log in, upload, apply and decide through the API."""

import io

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from cloudplatform.identity.models import GRID_WORKER
from tests.service.aid.fixtures import application_fields, png_bytes, resident_at
from tests.world import log_in


def staff_headers(client, role: str = GRID_WORKER) -> dict[str, str]:
    return log_in(client, f"staff-{role}")


def resident_headers(client, world, name: str, room: str = "1-101", community=None):
    """A verified resident at ``room`` and their Authorization header: (user, headers)."""
    user = resident_at(world, name, room, community)
    return user, log_in(client, name)


def multipart(client, url: str, headers, values):
    """POST a multipart/form-data body encoded in memory (the test client would spool a large one to a
    temporary file it never closes)."""
    boundary, body = encode_multipart(MultiDict(values))
    return client.post(
        url, data=body, headers=headers, content_type=f"multipart/form-data; boundary={boundary}"
    )


def upload(client, headers, data: bytes | None = None, name: str = "身份证.png"):
    """POST /services/uploads with one file; the response."""
    body = {"file": FileStorage(io.BytesIO(png_bytes() if data is None else data), name)}
    return multipart(client, "/api/v1/services/uploads", headers, body)


def apply_body(world, category, materials=(), **overrides) -> dict:
    """The JSON of POST /services/aid-applications for a plain case in the world's home community."""
    body = application_fields(world, category, **overrides)
    body["materials"] = [{"upload_id": upload_id, "material": item} for upload_id, item in materials]
    return body


def apply(client, headers, world, category, materials=(), **overrides):
    return client.post(
        "/api/v1/services/aid-applications",
        json=apply_body(world, category, materials, **overrides),
        headers=headers,
    )


def decide(client, headers, application_id: int, action: str, step: str, **fields):
    return client.post(
        f"/api/v1/staff/aid-applications/{application_id}/decision",
        json={"action": action, "step": step, **fields},
        headers=headers,
    )


def visit(client, headers, application_id: int, notes: str = "入户核实：家中无其他收入", photos=()):
    values = [("notes", notes)] + [("photos", FileStorage(io.BytesIO(data), name)) for name, data in photos]
    return multipart(client, f"/api/v1/staff/aid-applications/{application_id}/visit", headers, values)
