"""Service certificates: a volunteer downloads a PNG certificate of their confirmed hours whose QR code
carries the public verification address; anyone verifies it (JSON, or a page in a browser) with the name
masked; staff revoke it with a reason and it then verifies as revoked; forged tokens, other communities'
certificates and bad input answer their documented codes and change nothing."""

import io
import secrets

import pytest
from PIL import Image, ImageChops
from sqlalchemy import select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN
from cloudplatform.identity.operations import hash_token
from cloudplatform.volunteer.certificates.render import QR_BOX, QR_SIZE, SIZE, qr_image
from cloudplatform.volunteer.models import Certificate
from tests.volunteer.certificate_fixtures import beijing, confirmed_shift, issued, served, state
from tests.volunteer.fixtures import resident
from tests.volunteer.shift_fixtures import audited, standing_clock
from tests.world import log_in

API = "/api/v1/volunteer"
STAFF = "/api/v1/staff/volunteer"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(autouse=True)
def clock():
    with standing_clock() as traveller:
        yield traveller


def download(client, headers, **query):
    return client.get(f"{API}/me/certificate", query_string=query, headers=headers)


def path_of(url: str) -> str:
    return url[url.index("/api/v1/") :]


def test_a_volunteer_downloads_a_certificate_whose_qr_code_verifies_it(client, world):
    who = served(world.home, "周志远", minutes=6030)
    answer = download(client, log_in(client, "周志远"))
    assert answer.status_code == 200, answer.get_json()
    assert answer.mimetype == "image/png"
    assert answer.headers["Cache-Control"] == "no-store"
    image = Image.open(io.BytesIO(answer.data))
    assert (image.format, image.size) == ("PNG", SIZE)

    url = answer.headers["X-Certificate-Verify-Url"]
    assert url.startswith("http://localhost/api/v1/volunteer/certificates/")
    token = url.rsplit("/", 1)[1]
    assert len(token) == 32
    # the QR code drawn on it is the code of that address
    drawn = image.convert("RGB").crop((*QR_BOX, QR_BOX[0] + QR_SIZE, QR_BOX[1] + QR_SIZE))
    assert ImageChops.difference(drawn, qr_image(url)).getbbox() is None

    _db.session.expire_all()
    certificate = _db.session.scalars(select(Certificate)).one()
    assert certificate.token_hash == hash_token(token) != token  # only the hash is kept
    assert (certificate.volunteer_id, certificate.minutes, certificate.star_level) == (who.id, 6030, 1)
    assert (certificate.period_from, certificate.period_to.isoformat()) == (None, "2026-12-07")
    [entry] = audited("certificate.issue")
    assert (entry.actor_type, entry.target_id, entry.community_id) == (
        "user",
        str(certificate.id),
        world.home.id,
    )

    verified = client.get(path_of(url))  # no login: whoever scans it
    assert verified.status_code == 200, verified.json
    assert verified.json == {
        "valid": True,
        "number": f"ZY2026-{certificate.id:06d}",
        "name": "周**",
        "community_name": world.home.name,
        "minutes": 6030,
        "hours": 100.5,
        "star_level": 1,
        "period_from": None,
        "period_to": "2026-12-07",
        "registered_on": "2026-12-07",
        "issued_at": "2026-12-07T00:00:00+00:00",
        "issued_at_local": "2026-12-07T08:00:00+08:00",
    }
    assert verified.headers["Cache-Control"] == "no-store"


def test_a_browser_opening_the_qr_code_gets_a_page_with_the_name_masked(client, world):
    who = served(world.home, "周志远", minutes=19000)  # 316.7 hours: two stars
    certificate, token = issued(who)
    page = client.get(f"{API}/certificates/{token}", headers=BROWSER)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "志愿服务证明 · 有效" in body
    assert '<dd data-field="name">周**</dd>' in body
    assert "周志远" not in body
    assert f"ZY2026-{certificate.id:06d}" in body
    assert "316.7 小时" in body and "★★☆☆☆（2 星）" in body
    assert "2026年12月7日至2026年12月7日" in body
    assert "<script" not in body
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_a_years_certificate_counts_that_years_shifts_and_a_later_year_is_refused(client, world):
    who = served(world.home, "周志远")
    confirmed_shift(who, beijing(2025, 1, 1, 0), 120)  # midnight of New Year's Day, Beijing time
    confirmed_shift(who, beijing(2025, 12, 31, 20), 90)
    confirmed_shift(who, beijing(2026, 3, 1), 240)
    headers = log_in(client, "周志远")

    assert download(client, headers, year=2025).status_code == 200
    assert download(client, headers, year=2026).status_code == 200
    _db.session.expire_all()
    last_year, this_year = _db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert (last_year.minutes, str(last_year.period_from), str(last_year.period_to)) == (
        210,
        "2025-01-01",
        "2025-12-31",
    )
    assert (this_year.minutes, str(this_year.period_from), str(this_year.period_to)) == (
        240,
        "2026-01-01",
        "2026-12-07",  # up to today
    )
    before = state()
    later = download(client, headers, year=2027)
    assert later.status_code == 422
    assert later.json["error"]["code"] == "INVALID_CERTIFICATE_YEAR"
    assert "year" in later.json["error"]["details"]["fields"]
    assert download(client, headers, year=1999).json["error"]["code"] == "VALIDATION_ERROR"
    assert download(client, headers, year="去年").json["error"]["code"] == "VALIDATION_ERROR"
    assert state() == before


def test_the_volunteer_lists_their_certificates_newest_first(client, world):
    who = served(world.home, "周志远", minutes=600)
    first, _ = issued(who)
    second, _ = issued(who, 2026)
    other = served(world.home, "王小明", minutes=60)
    issued(other)
    listed = client.get(f"{API}/me/certificates", headers=log_in(client, "周志远"))
    assert listed.status_code == 200, listed.json
    assert [(c["id"], c["period_from"], c["revoked"]) for c in listed.json["items"]] == [
        (second.id, "2026-01-01", False),
        (first.id, None, False),
    ]
    assert listed.json["next_cursor"] is None
    assert "token" not in str(listed.json)


def test_someone_not_a_volunteer_gets_no_certificate(client, world):
    resident(world.home, "张三")
    answer = download(client, log_in(client, "张三"))
    assert (answer.status_code, answer.json["error"]["code"]) == (403, "NOT_VOLUNTEER")
    assert client.get(f"{API}/me/certificate").json["error"]["code"] == "TOKEN_MISSING"
    assert state() == (0, None, 0)


def test_without_the_font_nothing_is_issued_and_the_answer_says_so(app, client, world):
    served(world.home, "周志远", minutes=600)
    app.config["CERTIFICATE_FONT_PATH"] = "/nonexistent/NotoSansCJK-Regular.ttc"
    before = state()
    answer = download(client, log_in(client, "周志远"))
    assert answer.status_code == 503
    assert answer.json["error"]["code"] == "CERTIFICATE_FONT_MISSING"
    assert state() == before


def test_issuing_is_limited_per_volunteer(app, client, world):
    served(world.home, "周志远", minutes=600)
    served(world.home, "王小明", minutes=60)
    app.config["CERTIFICATE_RATE_LIMIT"] = "2 per hour"
    headers = log_in(client, "周志远")
    assert [download(client, headers).status_code for _ in range(3)] == [200, 200, 429]
    assert download(client, log_in(client, "王小明")).status_code == 200  # another volunteer's own limit


def test_a_revoked_certificate_verifies_as_revoked(client, world):
    who = served(world.home, "周志远", minutes=600)
    certificate, token = issued(who)
    admin = log_in(client, f"staff-{COMMUNITY_ADMIN}")
    answer = client.post(
        f"{STAFF}/certificates/{certificate.id}/revoke", json={"reason": "时长记录有误"}, headers=admin
    )
    assert answer.status_code == 200, answer.json
    assert (answer.json["revoked"], answer.json["revoke_reason"], answer.json["volunteer_name"]) == (
        True,
        "时长记录有误",
        "周**",
    )
    [entry] = audited("certificate.revoke")
    assert (entry.actor_type, entry.actor_id, entry.target_id) == (
        "staff",
        world.staff[COMMUNITY_ADMIN].id,
        str(certificate.id),
    )
    assert entry.details == {"reason": "时长记录有误"}

    verified = client.get(f"{API}/certificates/{token}")
    assert verified.status_code == 410
    assert verified.json["error"]["code"] == "CERTIFICATE_REVOKED"
    assert verified.json["error"]["message"] == "该证明已撤销"
    assert verified.json["error"]["details"]["number"] == f"ZY2026-{certificate.id:06d}"
    page = client.get(f"{API}/certificates/{token}", headers=BROWSER)
    assert (page.status_code, page.mimetype) == (410, "text/html")
    assert "该证明已撤销" in page.get_data(as_text=True)

    before = state(certificate.id)
    again = client.post(
        f"{STAFF}/certificates/{certificate.id}/revoke", json={"reason": "再次"}, headers=admin
    )
    assert (again.status_code, again.json["error"]["code"]) == (409, "CERTIFICATE_ALREADY_REVOKED")
    assert state(certificate.id) == before
    listed = client.get(f"{API}/me/certificates", headers=log_in(client, "周志远")).json["items"]
    assert [(c["revoked"], c["revoked_at"] is not None) for c in listed] == [(True, True)]


def test_a_forged_or_mistyped_token_is_not_found(client, world):
    who = served(world.home, "周志远", minutes=600)
    _, token = issued(who)
    forged = secrets.token_urlsafe(24)
    for candidate in (forged, token[:-1] + ("A" if token[-1] != "A" else "B"), "周" * 32):
        answer = client.get(f"{API}/certificates/{candidate}")
        assert (answer.status_code, answer.json["error"]["code"]) == (404, "CERTIFICATE_NOT_FOUND"), candidate
    page = client.get(f"{API}/certificates/{forged}", headers=BROWSER)
    assert (page.status_code, page.mimetype) == (404, "text/html")
    assert "证明不存在" in page.get_data(as_text=True)
    assert client.get(f"{API}/certificates/{token[:20]}").json["error"]["code"] == "NOT_FOUND"


def test_revoking_is_for_admins_of_the_volunteers_community(client, world):
    elsewhere = served(world.elsewhere, "远方志愿者", minutes=600)
    neighbour = served(world.neighbour, "邻居志愿者", minutes=600)
    home = served(world.home, "周志远", minutes=600)
    far, _ = issued(elsewhere)
    near, _ = issued(neighbour)
    own, _ = issued(home)
    body = {"reason": "重复开具"}

    admin = log_in(client, f"staff-{COMMUNITY_ADMIN}")
    for certificate in (far, near):  # another community's certificate answers as if it did not exist
        before = state(certificate.id)
        answer = client.post(f"{STAFF}/certificates/{certificate.id}/revoke", json=body, headers=admin)
        assert (answer.status_code, answer.json["error"]["code"]) == (404, "CERTIFICATE_NOT_FOUND")
        assert state(certificate.id) == before
    worker = log_in(client, f"staff-{COMMUNITY_STAFF}")  # may see, may not revoke
    answer = client.post(f"{STAFF}/certificates/{own.id}/revoke", json=body, headers=worker)
    assert (answer.status_code, answer.json["error"]["code"]) == (403, "FORBIDDEN")
    volunteer_headers = log_in(client, "周志远")
    answer = client.post(f"{STAFF}/certificates/{own.id}/revoke", json=body, headers=volunteer_headers)
    assert (answer.status_code, answer.json["error"]["code"]) == (403, "STAFF_ONLY")
    assert state(own.id)[1] == (None, "")

    street = log_in(client, f"staff-{STREET_ADMIN}")  # the street's communities
    assert client.post(f"{STAFF}/certificates/{near.id}/revoke", json=body, headers=street).status_code == 200
    answer = client.post(f"{STAFF}/certificates/{far.id}/revoke", json=body, headers=street)
    assert answer.status_code == 404


def test_a_revocation_says_why(client, world):
    certificate, _ = issued(served(world.home, "周志远", minutes=600))
    admin = log_in(client, f"staff-{COMMUNITY_ADMIN}")
    url = f"{STAFF}/certificates/{certificate.id}/revoke"
    before = state(certificate.id)
    missing = client.post(url, json={}, headers=admin)
    assert (missing.status_code, missing.json["error"]["code"]) == (422, "VALIDATION_ERROR")
    assert "reason" in missing.json["error"]["details"]["fields"]
    blank = client.post(url, json={"reason": "   "}, headers=admin)
    assert (blank.status_code, blank.json["error"]["code"]) == (422, "CERTIFICATE_REASON_REQUIRED")
    assert "reason" in blank.json["error"]["details"]["fields"]
    long = client.post(url, json={"reason": "长" * 201}, headers=admin)
    assert (long.status_code, long.json["error"]["code"]) == (422, "VALIDATION_ERROR")
    assert state(certificate.id) == before
