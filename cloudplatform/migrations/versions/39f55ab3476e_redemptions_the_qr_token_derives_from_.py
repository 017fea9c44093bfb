"""redemptions: the QR token derives from the id alone, no hash kept

Revision ID: 39f55ab3476e
Revises: 346ef5e74fb3
Create Date: 2026-12-06 18:08:09.453336

"""
import base64
import hashlib
import hmac

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '39f55ab3476e'
down_revision = '346ef5e74fb3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_redemption_token_hash'), type_='unique')
        batch_op.drop_column('token_hash')


def downgrade():
    """The hashes are written back as the earlier code kept them (SHA-256 of the HMAC token)."""
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.VARCHAR(length=64), nullable=True))
    bind = op.get_bind()
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"redemption-qr", hashlib.sha256).digest()
    for (redemption_id,) in bind.execute(sa.text("SELECT id FROM redemption")).all():
        mac = hmac.new(key, str(redemption_id).encode(), hashlib.sha256).digest()
        token = base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")
        bind.execute(
            sa.text("UPDATE redemption SET token_hash = :hash WHERE id = :id"),
            {"hash": hashlib.sha256(token.encode()).hexdigest(), "id": redemption_id},
        )
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.VARCHAR(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_redemption_token_hash'), ['token_hash'])
