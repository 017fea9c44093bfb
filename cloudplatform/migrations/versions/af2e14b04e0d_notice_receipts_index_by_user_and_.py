"""notice receipts: index by user and notice, for the unread count

Revision ID: af2e14b04e0d
Revises: ba14c3f0dbd9
Create Date: 2026-12-05 19:25:19.283831

"""
from alembic import op
import sqlalchemy as sa

import cloudplatform.orm


# revision identifiers, used by Alembic.
revision = 'af2e14b04e0d'
down_revision = 'ba14c3f0dbd9'
branch_labels = None
depends_on = None


def upgrade():
    # The unread count reads which notices a user has read from the index alone; the new index serves
    # every lookup by user the old one did, so it is made first and the old one dropped after.
    with op.batch_alter_table('notice_receipt', schema=None) as batch_op:
        batch_op.create_index('ix_notice_receipt_user_notice', ['user_id', 'notice_id'], unique=False)
        batch_op.drop_index(batch_op.f('ix_notice_receipt_user'))


def downgrade():
    with op.batch_alter_table('notice_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_receipt_user'), ['user_id'], unique=False)
        batch_op.drop_index('ix_notice_receipt_user_notice')
