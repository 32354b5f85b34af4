"""Resources: shared links, ratings and links from posts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 16:36:10.945533

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('resources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('normalized_url', sa.Text(), nullable=False),
    sa.Column('normalized_key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('shared_by_id', sa.Integer(), nullable=False),
    sa.Column('rating_sum', sa.Integer(), nullable=False),
    sa.Column('rating_count', sa.Integer(), nullable=False),
    sa.Column('link_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('preview_status', sa.String(length=10), nullable=False),
    sa.Column('preview_claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('preview_title', sa.String(length=300), nullable=False),
    sa.Column('preview_description', sa.Text(), nullable=False),
    sa.Column('preview_text', sa.Text(), nullable=False),
    sa.Column('preview_error', sa.String(length=200), nullable=False),
    sa.Column('preview_fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['shared_by_id'], ['users.id'], name=op.f('fk_resources_shared_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resources')),
    sa.UniqueConstraint('normalized_key', name=op.f('uq_resources_normalized_key'))
    )
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.create_index('ix_resources_created', ['created_at'], unique=False)
        batch_op.create_index('ix_resources_preview_status', ['preview_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_resources_shared_by_id'), ['shared_by_id'], unique=False)

    op.create_table('resource_links',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_resource_links_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_resource_links_resource_id_resources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['posts.id'], name=op.f('fk_resource_links_thread_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'post_id', name=op.f('pk_resource_links'))
    )
    with op.batch_alter_table('resource_links', schema=None) as batch_op:
        batch_op.create_index('ix_resource_links_thread', ['thread_id'], unique=False)

    op.create_table('resource_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('stars', sa.SmallInteger(), nullable=False),
    sa.Column('review', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('stars BETWEEN 1 AND 5', name=op.f('ck_resource_ratings_stars')),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_resource_ratings_resource_id_resources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_resource_ratings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_ratings')),
    sa.UniqueConstraint('resource_id', 'user_id', name='uq_resource_ratings_resource_user')
    )
    with op.batch_alter_table('resource_ratings', schema=None) as batch_op:
        batch_op.create_index('ix_resource_ratings_user', ['user_id'], unique=False)

    op.create_table('resource_tags',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_resource_tags_resource_id_resources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_resource_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'tag_id', name=op.f('pk_resource_tags'))
    )
    with op.batch_alter_table('resource_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_tags_tag_id'), ['tag_id'], unique=False)



def downgrade():
    with op.batch_alter_table('resource_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_tags_tag_id'))

    op.drop_table('resource_tags')
    with op.batch_alter_table('resource_ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_resource_ratings_user')

    op.drop_table('resource_ratings')
    with op.batch_alter_table('resource_links', schema=None) as batch_op:
        batch_op.drop_index('ix_resource_links_thread')

    op.drop_table('resource_links')
    with op.batch_alter_table('resources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resources_shared_by_id'))
        batch_op.drop_index('ix_resources_preview_status')
        batch_op.drop_index('ix_resources_created')

    op.drop_table('resources')
