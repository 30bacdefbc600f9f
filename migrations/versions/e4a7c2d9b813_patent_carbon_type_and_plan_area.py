"""patent carbon type and plan area, classified from the title and abstract

Revision ID: e4a7c2d9b813
Revises: 7c9e7bab123f
Create Date: 2026-12-03 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4a7c2d9b813'
down_revision = '7c9e7bab123f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carbon_type', sa.Enum('negative', 'zero', 'low', 'none', name='carbontype', native_enum=False, create_constraint=True, length=20), nullable=True))
        batch_op.add_column(sa.Column('plan_area', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_patents_carbon_type'), ['carbon_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_patents_plan_area'), ['plan_area'], unique=False)


def downgrade():
    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patents_plan_area'))
        batch_op.drop_index(batch_op.f('ix_patents_carbon_type'))
        batch_op.drop_column('plan_area')
        # SQLite rebuilds the table with its CHECK constraints: this one names the column.
        batch_op.drop_constraint('carbontype', type_='check')
        batch_op.drop_column('carbon_type')
