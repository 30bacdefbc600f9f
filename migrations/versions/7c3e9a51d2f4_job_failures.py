"""job failures: background jobs whose retries ended in an error

Revision ID: 7c3e9a51d2f4
Revises: 2d4a8a4c35c4
Create Date: 2026-12-03 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e9a51d2f4'
down_revision = "2d4a8a4c35c4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_name', sa.String(length=200), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('arguments', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('failed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_failures'))
    )
    with op.batch_alter_table('job_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_failures_failed_at'), ['failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('job_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_failures_failed_at'))
    op.drop_table('job_failures')
