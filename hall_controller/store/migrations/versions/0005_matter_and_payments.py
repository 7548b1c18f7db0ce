"""A ticket names the matter it was issued for (an appointment's check-in), so that its rating
names it too; the hall's record of payments (hall_controller/backend/payments.py).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made before migrations existed (stamped by store/db.py) may have the column or the
    # tables already: add only what is missing.
    inspector = sa.inspect(op.get_bind())
    if "matter_id" not in {c["name"] for c in inspector.get_columns("tickets")}:
        with op.batch_alter_table("tickets") as batch:
            batch.add_column(sa.Column("matter_id", sa.String(64)))
    if "payment_orders" in inspector.get_table_names():
        return
    op.create_table(
        "payment_orders",
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("hall", sa.String(64), nullable=False),
        sa.Column("kiosk", sa.String(64), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("checked_at", sa.Float, nullable=False),
        sa.Column("paid_at", sa.Float),
        sa.Column("receipt_request", sa.String(64)),
        sa.Column("receipt_at", sa.Float),
    )
    op.create_index("ix_payment_orders_state", "payment_orders", ["state", "hall"])
    op.create_table(
        "payment_requests",
        sa.Column("request_key", sa.String(64), primary_key=True),
        sa.Column("order_id", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("payment_requests")
    op.drop_index("ix_payment_orders_state", "payment_orders")
    op.drop_table("payment_orders")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("matter_id")
