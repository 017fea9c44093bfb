"""Field keys: a value sealed with an old key still reads after a new key is made current; ``flask crypto
rotate`` re-seals every ID number with the new key (in batches, again safely), and the old key can go."""

import base64
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cloudplatform import crypto
from cloudplatform.identity.models import GRID_WORKER
from cloudplatform.service.aid import operations as aid
from cloudplatform.service.aid.keys import reseal_batch
from cloudplatform.service.aid.models import ID_NUMBER_COLUMN, AidApplication
from tests.service.aid.fixtures import (
    ID_NUMBER,
    OTHER_ID_NUMBER,
    application_fields,
    categories,
    resident_at,
)
from tests.service.aid.numbers import id_number

OLD = base64.b64encode(b"o" * 32).decode()
NEW = base64.b64encode(b"n" * 32).decode()


def use_keys(app, current: str, **keys: str) -> None:
    app.config["FIELD_KEYS"] = json.dumps(keys)
    app.config["FIELD_KEY_ID"] = current
    app.extensions.pop("field_keys", None)


def sealed_rows(db):
    return db.session.execute(
        sa.select(
            AidApplication.id, AidApplication.id_number_key_id, AidApplication.id_number_sealed
        ).order_by(AidApplication.id)
    ).all()


def test_seal_is_bound_to_its_key_and_column(app):
    use_keys(app, "k1", k1=OLD)
    sealed = crypto.seal(ID_NUMBER, ID_NUMBER_COLUMN)
    assert sealed.key_id == "k1" and ID_NUMBER not in sealed.token
    assert crypto.unseal("k1", sealed.token, ID_NUMBER_COLUMN) == ID_NUMBER
    assert crypto.seal(ID_NUMBER, ID_NUMBER_COLUMN).token != sealed.token  # a fresh nonce each time
    with pytest.raises(crypto.CryptoError):
        crypto.unseal("k1", sealed.token, "aid_application.phone")
    with pytest.raises(crypto.CryptoError):
        crypto.unseal("k2", sealed.token, ID_NUMBER_COLUMN)
    use_keys(app, "", k1=OLD, k2=NEW)
    assert crypto.current_key_id() == "k2"  # no FIELD_KEY_ID: the last in sorted order


def test_rotation_reseals_every_id_number_with_the_current_key(app, db, world):
    use_keys(app, "old", old=OLD)
    medical, temporary = categories()["medical"], categories()["temporary"]
    numbers = {}
    people = [
        (medical, ID_NUMBER),
        (temporary, OTHER_ID_NUMBER),
        (medical, id_number(1)),
        (temporary, id_number(2)),
    ]
    for n, (category, number) in enumerate(people):
        user = resident_at(world, f"居民{n}", room=f"{n + 1}-101")
        case = aid.apply(user, **application_fields(world, category, id_number=number))
        numbers[case.id] = number
    db.session.commit()
    assert {key for _, key, _ in sealed_rows(db)} == {"old"}

    use_keys(app, "new", old=OLD, new=NEW)
    first = db.session.get(AidApplication, min(numbers))
    assert aid.reveal_id_number(world.staff[GRID_WORKER], first) == ID_NUMBER  # the old key still reads

    assert reseal_batch(size=3) == (3, sorted(numbers)[2])  # a batch at a time
    db.session.commit()
    assert [key for _, key, _ in sealed_rows(db)] == ["new", "new", "new", "old"]

    result = CliRunner().invoke(app.cli, ["crypto", "rotate", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "re-sealed 1 values with key new" in result.output
    result = CliRunner().invoke(app.cli, ["crypto", "rotate"])
    assert "re-sealed 0 values" in result.output  # again: nothing left to do

    use_keys(app, "new", new=NEW)  # the old key retired
    db.session.expire_all()
    for row_id, key_id, token in sealed_rows(db):
        assert key_id == "new"
        assert crypto.unseal(key_id, token, ID_NUMBER_COLUMN) == numbers[row_id]
    hashes = db.session.scalars(sa.select(AidApplication.id_number_hash).order_by(AidApplication.id)).all()
    assert hashes[0] == aid.id_number_hash(ID_NUMBER)  # the hash key is not rotated


def test_rotation_stops_on_a_value_whose_key_is_gone(app, db, world):
    use_keys(app, "old", old=OLD)
    user = resident_at(world, "居民")
    aid.apply(user, **application_fields(world, categories()["medical"]))
    db.session.commit()
    use_keys(app, "new", new=NEW)  # retired too early
    result = CliRunner().invoke(app.cli, ["crypto", "rotate"])
    assert result.exit_code == 1
    assert "密钥轮换中止" in result.output and "old" in result.output
    assert [key for _, key, _ in sealed_rows(db)] == ["old"]
