"""API tokens, login throttle, Globus identity fields

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("globus_sub", sa.String(100), nullable=True))
        batch.add_column(sa.Column("institution", sa.String(300), nullable=True))
    op.create_index("ix_users_globus_sub", "users", ["globus_sub"], unique=True)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("window_start", sa.Float, nullable=False),
    )


def downgrade():
    op.drop_table("login_failures")
    op.drop_table("api_tokens")
    op.drop_index("ix_users_globus_sub", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("institution")
        batch.drop_column("globus_sub")
