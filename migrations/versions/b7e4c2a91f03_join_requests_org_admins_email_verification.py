"""organization membership by request: join requests, organization administrators, verified
e-mail addresses

Existing accounts are marked verified (they were made before addresses were checked, and
locking them out of posting would punish them for it); the earliest member of each
organization becomes its administrator, so every organization that has members has someone
to decide its join requests.

Revision ID: b7e4c2a91f03
Revises: 15bccdda116e
Create Date: 2026-12-03 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e4c2a91f03'
down_revision = '15bccdda116e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'join_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column(
            'state',
            sa.Enum('pending', 'approved', 'rejected', name='joinstate', native_enum=False,
                    create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'organization_id'),
    )
    with op.batch_alter_table('join_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_join_requests_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_requests_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_admin', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))

    op.execute("UPDATE users SET email_verified_at = created_at")
    op.execute(
        "UPDATE users SET org_admin = TRUE WHERE id IN ("
        " SELECT MIN(id) FROM users WHERE organization_id IS NOT NULL GROUP BY organization_id)"
    )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('org_admin')

    with op.batch_alter_table('join_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_join_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_join_requests_organization_id'))

    op.drop_table('join_requests')
