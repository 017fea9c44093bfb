"""staff accounts may have to change their password

Revision ID: 751554cafdf6
Revises: 2b06cc4fb55c
Create Date: 2026-12-01 22:44:54.452993

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '751554cafdf6'
down_revision = '2b06cc4fb55c'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts keep their passwords: false (sa.false() renders as 0 on SQLite, false on PostgreSQL).
    with op.batch_alter_table('staff_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('staff_account', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
