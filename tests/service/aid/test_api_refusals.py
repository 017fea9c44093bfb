"""Every refusal of the issue's "bad input, abuse" paragraph, through the API: its documented code, and
nothing changed (no upload kept, no application made, the case where it was, no step recorded)."""

import sqlalchemy as sa

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, GRID_WORKER, STREET_ADMIN
from cloudplatform.service.aid.models import AidApplication, AidObjection, AidStep
from cloudplatform.service.uploads.models import Upload
from tests.service.aid.api_fixtures import apply, decide, resident_headers, staff_headers, upload
from tests.service.aid.fixtures import OTHER_ID_NUMBER, categories, resident_at, upload_for
from tests.world import log_in

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def count(model, *where) -> int:
    _db.session.expire_all()
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def status_of(case_id: int) -> str:
    _db.session.expire_all()
    return _db.session.scalar(sa.select(AidApplication.status).where(AidApplication.id == case_id))


def error(response) -> tuple[int, str]:
    return response.status_code, response.json["error"]["code"]


def a_case(client, world, name="李桂芳", room="1-101", community=None):
    """A submitted medical case of a new resident: (case id, the resident's headers)."""
    medical = categories()["medical"]
    _, headers = resident_headers(client, world, name, room, community)
    made = apply(client, headers, world, medical, community_id=(community or world.home).id)
    assert made.status_code == 201, made.json
    return made.json["id"], headers


def test_a_renamed_exe_is_refused_by_its_content(client, world):
    _, me = resident_headers(client, world, "李桂芳")
    assert error(upload(client, me, EXE, "身份证.png")) == (422, "UPLOAD_TYPE_REFUSED")
    assert error(upload(client, me, b"just some text", "说明.pdf")) == (422, "UPLOAD_TYPE_REFUSED")
    assert count(Upload) == 0


def test_oversize_files_are_refused_and_a_file_over_the_apis_1_mb_is_taken(client, app, world):
    _, me = resident_headers(client, world, "李桂芳")
    two_mb = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)  # over the rest of the API's 1 MB body
    taken = upload(client, me, two_mb, "诊断证明.pdf")
    assert taken.status_code == 201, taken.json
    assert taken.json["size"] == len(two_mb) and taken.json["content_type"] == "application/pdf"

    app.config["UPLOAD_MAX_BYTES"] = 1000
    assert error(upload(client, me, b"%PDF-1.4\n" + b"0" * 2000, "a.pdf")) == (422, "UPLOAD_TOO_LARGE")
    too_much = b"%PDF-1.4\n" + b"0" * (100 * 1024)  # over the limit and the multipart envelope's 64 KiB
    assert error(upload(client, me, too_much, "b.pdf")) == (413, "PAYLOAD_TOO_LARGE")  # cut off unread
    assert count(Upload) == 1


def test_too_many_uploads_a_day_and_too_many_materials_are_refused(client, app, world):
    medical = categories()["medical"]
    _, me = resident_headers(client, world, "李桂芳")
    app.config["RESIDENT_UPLOADS_PER_DAY"] = 2
    ids = [upload(client, me).json["id"] for _ in range(2)]
    assert error(upload(client, me)) == (429, "UPLOAD_LIMIT_REACHED")
    assert count(Upload) == 2

    app.config["AID_MAX_FILES"] = 1
    refused = apply(client, me, world, medical, [(ids[0], "身份证"), (ids[1], "户口簿")])
    assert error(refused) == (422, "AID_TOO_MANY_FILES")
    assert count(AidApplication) == 0


def test_another_users_upload_is_neither_attached_nor_read(client, world):
    medical = categories()["medical"]
    other = resident_at(world, "王五", room="3-303")
    theirs = upload_for(other)
    _, me = resident_headers(client, world, "李桂芳")
    assert error(apply(client, me, world, medical, [(theirs, "身份证")])) == (404, "UPLOAD_NOT_FOUND")
    assert count(AidApplication) == 0
    assert error(client.get(f"/api/v1/services/uploads/{theirs}", headers=me)) == (
        404,
        "ATTACHMENT_NOT_FOUND",
    )
    own = client.get(f"/api/v1/services/uploads/{theirs}", headers=log_in(client, "王五"))
    assert own.status_code == 200 and own.data.startswith(b"\x89PNG")


def test_an_upload_used_by_one_application_is_not_used_again(client, world):
    cats = categories()
    _, me = resident_headers(client, world, "李桂芳")
    used = upload(client, me).json["id"]
    assert apply(client, me, world, cats["medical"], [(used, "身份证")]).status_code == 201
    again = apply(client, me, world, cats["education"], [(used, "身份证")])
    assert error(again) == (404, "UPLOAD_NOT_FOUND")
    assert count(AidApplication) == 1


def test_a_second_open_application_of_the_household_or_the_person_is_refused(client, world):
    medical = categories()["medical"]
    _, me = a_case(client, world)
    assert error(apply(client, me, world, medical)) == (409, "AID_ALREADY_OPEN")
    # another member of the household, under their own ID number: still the same household
    _, spouse = resident_headers(client, world, "王建国", room="1-101")
    assert error(apply(client, spouse, world, medical, id_number=OTHER_ID_NUMBER)) == (
        409,
        "AID_ALREADY_OPEN",
    )
    # the same person from another address
    _, moved = resident_headers(client, world, "李桂芳2", room="5-505")
    assert error(apply(client, moved, world, medical)) == (409, "AID_ALREADY_OPEN")
    assert count(AidApplication) == 1


def test_bad_fields_are_refused(client, world):
    medical = categories()["medical"]
    _, me = resident_headers(client, world, "李桂芳")
    bad = {
        "situation": "家庭困难\x00",
        "reason": "",
        "monthly_income": -1,
        "amount_requested": 1.5,
        "household": [{"name": "王小明"}],
        "applicant_name": "李" * 33,
    }
    refused = apply(client, me, world, medical, **bad)
    assert refused.status_code == 422 and set(refused.json["error"]["details"]["fields"]) == set(bad)
    assert error(apply(client, me, world, medical, id_number="610302199001011233")) == (
        422,
        "ID_NUMBER_INVALID",
    )
    over = apply(client, me, world, medical, amount_requested=medical.max_amount + 1)
    assert error(over) == (422, "AID_AMOUNT_OVER_LIMIT")
    _, stranger = resident_headers(client, world, "外人", community=world.neighbour)
    assert error(apply(client, stranger, world, medical)) == (403, "AID_NOT_RESIDENT")
    assert count(AidApplication) == 0


def test_an_objection_to_a_case_not_in_publicity_or_by_an_outsider_is_refused(client, world):
    case, _ = a_case(client, world)
    _, neighbour = resident_headers(client, world, "赵大爷", room="2-202")
    body = {"content": "有异议"}
    url = f"/api/v1/services/aid-publicity/{case}/objections"
    assert error(client.post(url, json=body, headers=neighbour)) == (409, "AID_NOT_IN_PUBLICITY")
    _, outsider = resident_headers(client, world, "外人", community=world.neighbour)
    assert error(client.post(url, json=body, headers=outsider)) == (403, "AID_NOT_RESIDENT")
    assert error(
        client.post("/api/v1/services/aid-publicity/999999/objections", json=body, headers=neighbour)
    ) == (
        404,
        "AID_APPLICATION_NOT_FOUND",
    )
    assert count(AidObjection) == 0


def test_illegal_steps_answer_their_code_and_change_nothing(client, world):
    case, _ = a_case(client, world)
    grid, admin, street = (
        staff_headers(client, role) for role in (GRID_WORKER, COMMUNITY_ADMIN, STREET_ADMIN)
    )

    # approval before review, whatever step the street claims to have seen
    assert error(decide(client, street, case, "grant", "submitted", amount=100)) == (409, "AID_WRONG_STEP")
    assert error(decide(client, street, case, "grant", "street_review", amount=100)) == (
        409,
        "AID_WRONG_STEP",
    )
    # a step by the wrong role
    assert error(decide(client, grid, case, "grant", "submitted", amount=100)) == (403, "FORBIDDEN")
    assert error(decide(client, grid, case, "emergency", "submitted", amount=100)) == (403, "FORBIDDEN")
    assert status_of(case) == "submitted" and count(AidStep) == 0

    # a second decision on the same step
    assert decide(client, grid, case, "accept", "submitted").status_code == 200
    assert error(decide(client, admin, case, "accept", "submitted")) == (409, "AID_WRONG_STEP")
    assert error(decide(client, admin, case, "request_materials", "submitted", missing=["户口簿"])) == (
        409,
        "AID_WRONG_STEP",
    )
    assert error(decide(client, grid, case, "request_materials", "review", missing=[])) == (
        422,
        "AID_MISSING_REQUIRED",
    )
    assert error(decide(client, grid, case, "publicize", "review")) == (422, "AID_VISIT_REQUIRED")
    assert error(decide(client, grid, case, "reject", "review")) == (422, "REASON_REQUIRED")
    assert status_of(case) == "review" and count(AidStep) == 1


def test_another_communitys_staff_do_not_find_the_case(client, world):
    case, _ = a_case(client, world, community=world.neighbour)
    grid = staff_headers(client, GRID_WORKER)  # of the home community
    base = f"/api/v1/staff/aid-applications/{case}"
    assert error(client.get(base, headers=grid)) == (404, "AID_APPLICATION_NOT_FOUND")
    assert error(decide(client, grid, case, "accept", "submitted")) == (404, "AID_APPLICATION_NOT_FOUND")
    revealed = client.post(f"{base}/id-number", json={"purpose": "核对"}, headers=grid)
    assert error(revealed) == (404, "AID_APPLICATION_NOT_FOUND")
    assert status_of(case) == "submitted" and count(AidStep) == 0
    # the street sees it
    assert client.get(base, headers=staff_headers(client, STREET_ADMIN)).status_code == 200


def test_a_resident_is_not_staff_and_cannot_read_anothers_case(client, world):
    case, _ = a_case(client, world)
    _, neighbour = resident_headers(client, world, "赵大爷", room="2-202")
    assert error(client.get(f"/api/v1/services/aid-applications/{case}", headers=neighbour)) == (
        404,
        "AID_APPLICATION_NOT_FOUND",
    )
    assert error(client.get("/api/v1/staff/aid-applications", headers=neighbour)) == (403, "STAFF_ONLY")
    withdrawn = client.post(
        f"/api/v1/services/aid-applications/{case}/withdraw", json={"reason": "x"}, headers=neighbour
    )
    assert error(withdrawn) == (404, "AID_APPLICATION_NOT_FOUND")
    assert status_of(case) == "submitted"


def test_the_applicant_withdraws_once_and_resubmits_only_when_asked(client, world):
    case, me = a_case(client, world)
    resubmitted = client.post(f"/api/v1/services/aid-applications/{case}/resubmit", json={}, headers=me)
    assert error(resubmitted) == (409, "AID_WRONG_STEP")
    url = f"/api/v1/services/aid-applications/{case}/withdraw"
    done = client.post(url, json={"reason": "情况好转"}, headers=me)
    assert done.status_code == 200 and done.json["status_name"] == "已撤回"
    assert error(client.post(url, json={}, headers=me)) == (409, "AID_WRONG_STEP")
    assert [h["action"] for h in done.json["history"]] == ["submit", "withdraw"]


def test_emergency_aid_is_granted_once_by_a_community_admin(client, world):
    case, me = a_case(client, world)  # 医疗救助 allows 先行救助
    admin = staff_headers(client, COMMUNITY_ADMIN)
    granted = decide(client, admin, case, "emergency", "submitted", amount=50000)
    assert granted.status_code == 200 and granted.json["emergency_amount"] == 50000
    assert granted.json["status"] == "submitted"  # the case goes on as before
    again = decide(client, admin, case, "emergency", "submitted", amount=50000)
    assert error(again) == (409, "AID_EMERGENCY_GRANTED")
    no_amount = decide(client, admin, case, "emergency", "submitted")
    assert error(no_amount) == (422, "AID_MISSING_REQUIRED")
    mine = client.get(f"/api/v1/services/aid-applications/{case}", headers=me).json
    assert mine["emergency_amount"] == 50000 and mine["history"][-1]["action_name"] == "先行救助"
