"""What the citizen's phone adds to a ticket: taken remotely, the platform's pseudonym of the
confirmed phone (SMS go to it; the hall keeps no phone number), the number masked, the
people-ahead reminders asked for and those already sent.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("phone_tickets",
                    sa.Column("hall", sa.String(64), primary_key=True),
                    sa.Column("day", sa.String(10), primary_key=True),
                    sa.Column("number", sa.String(8), primary_key=True),
                    sa.Column("service", sa.String(1), nullable=False),
                    sa.Column("remote", sa.Integer, nullable=False, server_default="0"),
                    sa.Column("recipient", sa.String(64)),
                    sa.Column("phone_masked", sa.String(16)),
                    sa.Column("reminders", sa.String(64), nullable=False, server_default=""),
                    sa.Column("reminded", sa.String(64), nullable=False, server_default=""))
    op.create_index("ix_phone_tickets_recipient", "phone_tickets", ["hall", "day", "recipient"])


def downgrade() -> None:
    op.drop_index("ix_phone_tickets_recipient", "phone_tickets")
    op.drop_table("phone_tickets")
