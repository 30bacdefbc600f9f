"""outbox entries: changes of searchable records waiting for their consumers (search, matching)

Revision ID: de0ac3fb9a10
Revises: 46a46c7eb3fa
Create Date: 2026-11-24 06:39:15.377225

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de0ac3fb9a10'
down_revision = '46a46c7eb3fa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_handlers', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_entries'))
    )


def downgrade():
    op.drop_table('outbox_entries')
