"""Baseline: tickets, daily sequences, the event log and the windows.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("hall", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("service", sa.String(1), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("number", sa.String(8), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("window", sa.Integer),
        sa.Column("target_window", sa.Integer),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("issued_at", sa.Float, nullable=False),
        sa.Column("queued_at", sa.Float, nullable=False),
        sa.Column("called_at", sa.Float),
        sa.Column("started_at", sa.Float),
        sa.Column("finished_at", sa.Float),
        sa.Column("recalls", sa.Integer, nullable=False),
        sa.Column("appointment_code", sa.String(64)),
        sa.UniqueConstraint("hall", "day", "service", "seq", name="uq_ticket_number"),
        sa.UniqueConstraint("hall", "request_id", name="uq_ticket_request"),
    )
    op.create_index("ix_tickets_waiting", "tickets", ["hall", "day", "state", "service"])
    op.create_table(
        "sequences",
        sa.Column("hall", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("service", sa.String(1), primary_key=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("hall", sa.String(64), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("ticket_id", sa.Integer),
        sa.Column("number", sa.String(8)),
        sa.Column("service", sa.String(1)),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("window", sa.Integer),
        sa.Column("clerk", sa.String(40)),
        sa.Column("data", sa.Text),
    )
    op.create_index("ix_events_hall_day", "events", ["hall", "day"])
    op.create_table(
        "windows",
        sa.Column("hall", sa.String(64), primary_key=True),
        sa.Column("window", sa.Integer, primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("ticket_id", sa.Integer),
        sa.Column("since", sa.Float, nullable=False),
        sa.Column("reason", sa.String(100)),
        sa.Column("clerk", sa.String(40)),
    )


def downgrade() -> None:
    for table in ("windows", "events", "sequences", "tickets"):
        op.drop_table(table)
