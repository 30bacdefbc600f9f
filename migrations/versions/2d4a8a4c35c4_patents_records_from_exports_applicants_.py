"""patents: records from exports, applicants, codes, links and aliases

Revision ID: 2d4a8a4c35c4
Revises: b7e4c2a91f03
Create Date: 2026-12-03 06:30:45.643829

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2d4a8a4c35c4'
down_revision = 'b7e4c2a91f03'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('patents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_number', sa.String(length=30), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('kind_code', sa.String(length=2), nullable=False),
    sa.Column('application_number', sa.String(length=40), nullable=True),
    sa.Column('patent_type', sa.Enum('invention_application', 'invention_grant', 'utility_model', 'design', 'unknown', name='patenttype', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('abstract', sa.Text(), nullable=False),
    sa.Column('inventors', sa.JSON(), nullable=False),
    sa.Column('application_date', sa.Date(), nullable=True),
    sa.Column('application_year', sa.Integer(), nullable=True),
    sa.Column('priority_year', sa.Integer(), nullable=True),
    sa.Column('priority_date', sa.Date(), nullable=True),
    sa.Column('publication_date', sa.Date(), nullable=True),
    sa.Column('grant_date', sa.Date(), nullable=True),
    sa.Column('legal_status', sa.Enum('pending', 'granted', 'lapsed', 'withdrawn', 'rejected', 'expired', 'unknown', name='legalstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('legal_status_source', sa.String(length=200), nullable=False),
    sa.Column('applicant_address', sa.String(length=500), nullable=True),
    sa.Column('province', sa.String(length=20), nullable=True),
    sa.Column('city', sa.String(length=40), nullable=True),
    sa.Column('cited_by_count', sa.Integer(), nullable=True),
    sa.Column('family_size', sa.Integer(), nullable=True),
    sa.Column('green_topics', sa.JSON(), nullable=False),
    sa.Column('is_green', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patents')),
    sa.UniqueConstraint('publication_number', name=op.f('uq_patents_publication_number'))
    )
    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patents_application_number'), ['application_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_patents_application_year'), ['application_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_patents_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_patents_is_green'), ['is_green'], unique=False)
        batch_op.create_index(batch_op.f('ix_patents_legal_status'), ['legal_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_patents_province'), ['province'], unique=False)

    op.create_table('patent_applicants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('normalized_name', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_patent_applicants_patent_id_patents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patent_applicants')),
    sa.UniqueConstraint('patent_id', 'position', name=op.f('uq_patent_applicants_patent_id'))
    )
    with op.batch_alter_table('patent_applicants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patent_applicants_normalized_name'), ['normalized_name'], unique=False)

    op.create_table('patent_classifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.Enum('ipc', 'cpc', name='classificationscheme', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_main', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_patent_classifications_patent_id_patents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patent_classifications')),
    sa.UniqueConstraint('patent_id', 'scheme', 'code', name=op.f('uq_patent_classifications_patent_id'))
    )
    with op.batch_alter_table('patent_classifications', schema=None) as batch_op:
        batch_op.create_index('ix_patent_classifications_scheme_code', ['scheme', 'code'], unique=False)

    op.create_table('patent_applicant_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('normalized_name', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_patent_applicant_aliases_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_patent_applicant_aliases_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patent_applicant_aliases')),
    sa.UniqueConstraint('normalized_name', name=op.f('uq_patent_applicant_aliases_normalized_name'))
    )
    with op.batch_alter_table('patent_applicant_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patent_applicant_aliases_organization_id'), ['organization_id'], unique=False)

    op.create_table('patent_technologies',
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('technology_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_patent_technologies_patent_id_patents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['technology_id'], ['technologies.id'], name=op.f('fk_patent_technologies_technology_id_technologies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('patent_id', 'technology_id', name=op.f('pk_patent_technologies'))
    )


def downgrade():
    op.drop_table('patent_technologies')
    with op.batch_alter_table('patent_applicant_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patent_applicant_aliases_organization_id'))

    op.drop_table('patent_applicant_aliases')
    with op.batch_alter_table('patent_classifications', schema=None) as batch_op:
        batch_op.drop_index('ix_patent_classifications_scheme_code')

    op.drop_table('patent_classifications')
    with op.batch_alter_table('patent_applicants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patent_applicants_normalized_name'))

    op.drop_table('patent_applicants')
    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patents_province'))
        batch_op.drop_index(batch_op.f('ix_patents_legal_status'))
        batch_op.drop_index(batch_op.f('ix_patents_is_green'))
        batch_op.drop_index(batch_op.f('ix_patents_country'))
        batch_op.drop_index(batch_op.f('ix_patents_application_year'))
        batch_op.drop_index(batch_op.f('ix_patents_application_number'))

    op.drop_table('patents')
