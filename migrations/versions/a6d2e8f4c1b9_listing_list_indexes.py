"""listing list indexes: both sort orders and the filter columns, each led by the status

Revision ID: a6d2e8f4c1b9
Revises: f3b8d1c6a2e7
Create Date: 2026-12-04 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6d2e8f4c1b9'
down_revision = 'f3b8d1c6a2e7'
branch_labels = None
depends_on = None

FILTER_COLUMNS = {"technologies": ["kind", "trl"], "needs": ["min_trl"]}


def upgrade():
    for table, filter_columns in FILTER_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_status')
            batch_op.create_index(
                f'ix_{table}_newest',
                ['status', sa.text('published_at DESC'), sa.text('created_at DESC'), sa.text('id DESC')],
                unique=False,
            )
            batch_op.create_index(f'ix_{table}_most_viewed', ['status', sa.text('view_count DESC'), sa.text('id DESC')], unique=False)
            batch_op.create_index(f'ix_{table}_filters', ['status', *filter_columns, 'expires_at', 'area_id'], unique=False)


def downgrade():
    for table in FILTER_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_filters')
            batch_op.drop_index(f'ix_{table}_most_viewed')
            batch_op.drop_index(f'ix_{table}_newest')
            batch_op.create_index(f'ix_{table}_status', ['status'], unique=False)
