"""closures keep how many bookings they cancelled

Revision ID: 2b06cc4fb55c
Revises: c4de2adb5b49
Create Date: 2026-12-01 21:44:07.331515

"""
from collections import defaultdict
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2b06cc4fb55c'
down_revision = 'c4de2adb5b49'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_bookings', sa.Integer(), server_default='0', nullable=False))

    # Closures made before this revision: their count is in the "bookable.closure" audit entries
    # (details: day, cancelled), summed per day as the console used to show it.
    audit = sa.table(
        'audit_entry',
        sa.column('action', sa.String),
        sa.column('target_type', sa.String),
        sa.column('target_id', sa.String),
        sa.column('details', sa.JSON),
    )
    closure = sa.table(
        'closure',
        sa.column('bookable_id', sa.Integer),
        sa.column('day', sa.Date),
        sa.column('cancelled_bookings', sa.Integer),
    )
    conn = op.get_bind()
    totals = defaultdict(int)
    rows = conn.execute(
        sa.select(audit.c.target_id, audit.c.details).where(
            audit.c.action == 'bookable.closure', audit.c.target_type == 'Bookable'
        )
    )
    for target_id, details in rows:
        if target_id and isinstance(details, dict) and details.get('cancelled') and details.get('day'):
            totals[int(target_id), date.fromisoformat(details['day'])] += int(details['cancelled'])
    for (bookable_id, day), cancelled in totals.items():
        conn.execute(
            sa.update(closure)
            .where(closure.c.bookable_id == bookable_id, closure.c.day == day)
            .values(cancelled_bookings=cancelled)
        )


def downgrade():
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.drop_column('cancelled_bookings')
