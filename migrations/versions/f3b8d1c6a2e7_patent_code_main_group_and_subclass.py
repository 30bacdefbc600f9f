"""patent classification main group and subclass, stored and indexed for landscapes

Revision ID: f3b8d1c6a2e7
Revises: e4a7c2d9b813
Create Date: 2026-12-03 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8d1c6a2e7'
down_revision = 'e4a7c2d9b813'
branch_labels = None
depends_on = None

# numbers.ipc_main_group in SQL: 'H01M 10/0525' -> 'H01M 10/00'; a code without "/" stays.
MAIN_GROUP = {
    "sqlite": "CASE WHEN instr(code, '/') > 0 THEN substr(code, 1, instr(code, '/') - 1) || '/00' ELSE code END",
    "postgresql": "CASE WHEN strpos(code, '/') > 0 THEN substr(code, 1, strpos(code, '/') - 1) || '/00' ELSE code END",
}


def upgrade():
    with op.batch_alter_table('patent_classifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('main_group', sa.String(length=30), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('subclass', sa.String(length=4), nullable=False, server_default=''))
    main_group = MAIN_GROUP[op.get_bind().dialect.name]
    op.execute(f"UPDATE patent_classifications SET main_group = {main_group}, subclass = substr(code, 1, 4)")
    with op.batch_alter_table('patent_classifications', schema=None) as batch_op:
        batch_op.alter_column('main_group', server_default=None)
        batch_op.alter_column('subclass', server_default=None)
        batch_op.create_index('ix_patent_classifications_main_group', ['scheme', 'main_group', 'patent_id'], unique=False)
        batch_op.create_index('ix_patent_classifications_subclass', ['scheme', 'subclass', 'patent_id'], unique=False)


def downgrade():
    with op.batch_alter_table('patent_classifications', schema=None) as batch_op:
        batch_op.drop_index('ix_patent_classifications_subclass')
        batch_op.drop_index('ix_patent_classifications_main_group')
        batch_op.drop_column('subclass')
        batch_op.drop_column('main_group')
