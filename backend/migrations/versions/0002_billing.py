"""billing: Stripe ids on users, processed webhook events

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("stripe_customer_id", sa.String(100), nullable=True))
        batch.add_column(sa.Column("stripe_subscription_id", sa.String(100), nullable=True))
    op.create_index("ix_users_stripe_subscription_id", "users", ["stripe_subscription_id"])
    op.create_table(
        "billing_events",
        sa.Column("event_id", sa.String(100), primary_key=True),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("billing_events")
    op.drop_index("ix_users_stripe_subscription_id", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("stripe_subscription_id")
        batch.drop_column("stripe_customer_id")
