"""Search cursors and import records

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_cursors',
    sa.Column('index_name', sa.String(length=80), nullable=False),
    sa.Column('last_event_id', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('index_name', name=op.f('pk_search_cursors'))
    )
    op.create_table('imported_objects',
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('local_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source', 'kind', 'external_id', name=op.f('pk_imported_objects'))
    )


def downgrade():
    op.drop_table('imported_objects')
    op.drop_table('search_cursors')
