"""add shipments

Revision ID: 3f1c2a9b7d4e
Revises: 9a0e51c7b2d8
Create Date: 2024-04-22 14:03:11.204511

"""
import sqlalchemy as sa
from alembic import op

revision = "3f1c2a9b7d4e"
down_revision = "9a0e51c7b2d8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shipments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("order_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("carrier", sa.String(16), nullable=False),
        sa.Column("tracking_number", sa.String(64)),
        sa.Column("idempotency_key", sa.String(32), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("shipments")
