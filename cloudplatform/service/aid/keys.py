"""Key rotation for the sealed ID numbers: ``flask crypto rotate`` re-seals every application whose ID
number is sealed with a key other than the current one (``FIELD_KEY_ID``), a batch per transaction.

Rotating: add the new key to ``FIELD_KEYS`` beside the old one, make it current, deploy, run the command
(again after an interruption: it only touches what is left), then remove the old key.
"""

import click
import sqlalchemy as sa
from flask import Flask

from cloudplatform import crypto
from cloudplatform.extensions import db
from cloudplatform.service.aid.models import ID_NUMBER_COLUMN, AidApplication

BATCH = 500

_table = AidApplication.__table__
_reseal = (
    sa.update(_table)
    .where(_table.c.id == sa.bindparam("b_id"), _table.c.id_number_key_id == sa.bindparam("b_old"))
    .values(id_number_key_id=sa.bindparam("b_new"), id_number_sealed=sa.bindparam("b_token"))
)


def reseal_batch(after_id: int = 0, size: int = BATCH) -> tuple[int, int | None]:
    """Re-seal up to ``size`` applications past ``after_id`` still sealed with an older key, in the
    caller's transaction (two statements: the read, one UPDATE for the batch). Returns how many were
    re-sealed and the last id seen (None when none was left). A value re-sealed meanwhile by another
    run is left alone (the UPDATE is conditional on the key it read).

    :raises CryptoError: a value's key is no longer in ``FIELD_KEYS`` (or it does not decrypt).
    """
    current = crypto.current_key_id()
    rows = db.session.execute(
        sa.select(AidApplication.id, AidApplication.id_number_key_id, AidApplication.id_number_sealed)
        .where(AidApplication.id > after_id, AidApplication.id_number_key_id != current)
        .order_by(AidApplication.id)
        .limit(size)
    ).all()
    if not rows:
        return 0, None
    params = []
    for row_id, key_id, token in rows:
        sealed = crypto.seal(crypto.unseal(key_id, token, ID_NUMBER_COLUMN), ID_NUMBER_COLUMN)
        params.append({"b_id": row_id, "b_old": key_id, "b_new": sealed.key_id, "b_token": sealed.token})
    resealed = db.session.execute(_reseal, params, execution_options={"synchronize_session": False})
    return (resealed.rowcount if resealed.rowcount >= 0 else len(params)), rows[-1][0]


def rotate(size: int = BATCH) -> int:
    """Re-seal every ID number with the current key, committing each batch; how many were re-sealed."""
    total, after = 0, 0
    while True:
        count, last = reseal_batch(after, size)
        db.session.commit()
        if last is None:
            return total
        total, after = total + count, last


def register_cli(app: Flask) -> None:
    group = click.Group("crypto", help="Field encryption keys.")

    @group.command("rotate")
    @click.option("--batch", default=BATCH, show_default=True, help="Rows per transaction.")
    def rotate_command(batch):
        """Re-seal the sealed fields with the current key (FIELD_KEY_ID); safe to run again."""
        try:
            count = rotate(batch)
        except crypto.CryptoError as error:
            raise click.ClickException(f"密钥轮换中止：{error}") from None
        click.echo(f"re-sealed {count} values with key {crypto.current_key_id()}")

    app.cli.add_command(group)
