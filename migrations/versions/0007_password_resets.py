"""Password reset tokens; table alignment in stored posts and messages as classes, not inline styles

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 17:10:01.007783

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Markdown table cells used to carry style="text-align:..."; the Content-Security-Policy forbids
# inline styles, so rendered HTML now says it with a class. Stored HTML is rewritten to match.
ALIGNMENTS = [(f'style="text-align:{side}"', f'class="align-{side}"')
              for side in ("left", "center", "right")]
RENDERED_HTML = [("posts", "body_html"), ("room_messages", "body_html")]


def upgrade():
    op.create_table('password_reset_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_reset_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_tokens_token_hash'))
    )
    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_tokens_user_id'), ['user_id'], unique=False)

    _rewrite_rendered_html(ALIGNMENTS)


def downgrade():
    _rewrite_rendered_html([(new, old) for old, new in ALIGNMENTS])
    with op.batch_alter_table('password_reset_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_tokens_user_id'))

    op.drop_table('password_reset_tokens')


def _rewrite_rendered_html(replacements):
    for table, column in RENDERED_HTML:
        for old, new in replacements:
            op.execute(sa.text(f"UPDATE {table} SET {column} = REPLACE({column}, :old, :new) "
                               f"WHERE {column} LIKE :pattern")
                       .bindparams(old=old, new=new, pattern=f"%{old}%"))
