"""The applicant's ID number at rest and in the logs: the stored column holds only its ciphertext, which
opens only as the ID number column's; equal numbers hash alike; and a whole case taken through the API
with every log at DEBUG writes neither the full ID number nor the phone into any log line."""

import io
import logging

import pytest
import sqlalchemy as sa

from cloudplatform import crypto
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import CITY_ADMIN, GRID_WORKER, STREET_ADMIN
from cloudplatform.logs import LOG_FORMAT, RequestIdFilter
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.models import ID_NUMBER_COLUMN, AidApplication
from tests.service.aid.api_fixtures import apply, decide, resident_headers, staff_headers, upload, visit
from tests.service.aid.fixtures import ID_NUMBER, OTHER_ID_NUMBER, application_fields, categories, resident_at
from tests.service.aid.stages import end_publicity

PHONE = "13912345678"


def stored(application_id: int) -> dict:
    """The application's personal columns as a plain SQL SELECT returns them."""
    row = _db.session.execute(
        sa.text(
            "SELECT id_number_key_id, id_number_sealed, id_number_hash, id_number_masked, phone"
            " FROM aid_application WHERE id = :id"
        ),
        {"id": application_id},
    )
    return dict(row.mappings().one())


def test_the_id_number_is_stored_sealed_and_hashed(world):
    found = categories()
    first = resident_at(world, "李桂芳")
    medical = aid.apply(first, **application_fields(world, found["medical"]))
    temporary = aid.apply(first, **application_fields(world, found["temporary"]))
    other = aid.apply(
        resident_at(world, "王强", "2-202"),
        **application_fields(world, found["medical"], id_number=OTHER_ID_NUMBER),
    )
    _db.session.commit()

    row = stored(medical.id)
    for column in ("id_number_sealed", "id_number_hash", "id_number_masked", "id_number_key_id"):
        assert ID_NUMBER not in row[column]
        assert ID_NUMBER[6:14] not in row[column]  # nor the date of birth
    assert row["id_number_masked"] == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    assert crypto.unseal(row["id_number_key_id"], row["id_number_sealed"], ID_NUMBER_COLUMN) == ID_NUMBER
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(row["id_number_key_id"], row["id_number_sealed"], "aid_application.phone")
    with pytest.raises(crypto.CryptoError):  # the associated data names the column: no other will do
        crypto.unseal(row["id_number_key_id"], row["id_number_sealed"], "")

    assert stored(temporary.id)["id_number_sealed"] != row["id_number_sealed"]  # a fresh nonce each time
    assert stored(temporary.id)["id_number_hash"] == row["id_number_hash"] == aid.id_number_hash(ID_NUMBER)
    assert stored(other.id)["id_number_hash"] != row["id_number_hash"]
    assert aid.id_number_hash(f" {ID_NUMBER[:6]} {ID_NUMBER[6:]} ") == row["id_number_hash"]  # as typed


@pytest.fixture
def every_log(app, caplog):
    """Every log line at DEBUG, through pytest's capture and a handler formatted as the app's own."""
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    handler.setLevel(logging.DEBUG)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        yield lambda: [r.getMessage() for r in caplog.records] + stream.getvalue().splitlines()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_neither_id_number_nor_phone_is_logged_at_debug(client, world, clock, every_log):
    medical = categories()["medical"]
    _, resident = resident_headers(client, world, "李桂芳")
    material = upload(client, resident).json["id"]
    created = apply(
        client, resident, world, medical, [(material, "身份证")], id_number=ID_NUMBER, phone=PHONE
    )
    assert created.status_code == 201, created.json
    case_id = created.json["id"]
    assert client.post(  # a duplicate, refused
        "/api/v1/services/aid-applications",
        json={**application_fields(world, medical), "id_number": ID_NUMBER, "phone": PHONE},
        headers=resident,
    ).status_code in (409, 422)
    bad = apply(client, resident, world, medical, id_number=ID_NUMBER[:-1] + "0", phone=PHONE)
    assert bad.status_code == 422  # a wrong check digit, refused without echoing it

    grid = staff_headers(client, GRID_WORKER)
    asked = decide(client, grid, case_id, "request_materials", "submitted", missing=["诊断证明"])
    assert asked.status_code == 200
    again = client.post(f"/api/v1/services/aid-applications/{case_id}/resubmit", json={}, headers=resident)
    assert again.status_code == 200, again.json
    assert decide(client, grid, case_id, "accept", "submitted").status_code == 200
    assert visit(client, grid, case_id).status_code == 200
    shown = client.post(
        f"/api/v1/staff/aid-applications/{case_id}/id-number", json={"purpose": "核对身份"}, headers=grid
    )
    assert shown.status_code == 200 and shown.json["id_number"] == ID_NUMBER  # in full, to the reviewer
    assert client.get(f"/api/v1/staff/aid-applications/{case_id}", headers=grid).status_code == 200
    assert decide(client, grid, case_id, "publicize", "review", proposed_amount=100000).status_code == 200
    _db.session.commit()
    end_publicity(_db.session.get(AidApplication, case_id))
    assert decide(client, grid, case_id, "forward", "publicity").status_code == 200
    street = staff_headers(client, STREET_ADMIN)
    assert decide(client, street, case_id, "grant", "street_review", amount=100000).status_code == 200
    city = staff_headers(client, CITY_ADMIN)
    assert client.get("/api/v1/staff/aid-applications", headers=city).status_code == 200
    assert client.get("/api/v1/services/aid-applications/mine", headers=resident).status_code == 200

    lines = every_log()
    assert any("[-]" not in line for line in lines if "DEBUG" in line)  # lines logged inside requests
    leaked = [line for line in lines if ID_NUMBER[:-1] in line or PHONE in line]
    assert leaked == []
