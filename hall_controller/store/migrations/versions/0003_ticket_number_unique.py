"""A ticket keeps its number when it is transferred to another service: its number, not
(service, seq), is what must be unique in a hall's day.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_constraint("uq_ticket_number", type_="unique")
        batch.create_unique_constraint("uq_ticket_number", ["hall", "day", "number"])


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_constraint("uq_ticket_number", type_="unique")
        batch.create_unique_constraint("uq_ticket_number", ["hall", "day", "service", "seq"])
