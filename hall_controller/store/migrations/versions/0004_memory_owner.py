"""The hall's memory is rebuilt from its tickets alone: each ticket keeps its last clerk, how
often it was re-queued, whether the citizen asked for the guide robot, and the token of its
phone page. Halls are owned by one controller process at a time (leases with fencing tokens).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("token", sa.String(32)))
        batch.add_column(sa.Column("clerk", sa.String(40)))
        batch.add_column(sa.Column("requeues", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("guide", sa.Integer, nullable=False, server_default="0"))
        batch.create_index("ix_tickets_token", ["token"])
    # Backfill from the event log, so that a hall upgraded in the middle of a day rebuilds right.
    op.execute("UPDATE tickets SET requeues = (SELECT count(*) FROM events WHERE events.ticket_id = tickets.id "
               "AND events.kind = 'requeued')")
    op.execute("UPDATE tickets SET clerk = (SELECT e.clerk FROM events e WHERE e.ticket_id = tickets.id "
               "AND e.clerk IS NOT NULL ORDER BY e.id DESC LIMIT 1)")
    op.execute("UPDATE tickets SET guide = 1 WHERE id IN (SELECT ticket_id FROM events WHERE kind = 'issued' "
               "AND data LIKE '%\"guide\": true%')")
    op.create_table("hall_leases",
                    sa.Column("hall", sa.String(64), primary_key=True),
                    sa.Column("owner", sa.String(64), nullable=False),
                    sa.Column("token", sa.Integer, nullable=False),
                    sa.Column("expires_at", sa.Float, nullable=False))
    op.create_table("controller_members",
                    sa.Column("id", sa.String(64), primary_key=True),
                    sa.Column("expires_at", sa.Float, nullable=False),
                    sa.Column("started_at", sa.Float, nullable=False))


def downgrade() -> None:
    op.drop_table("controller_members")
    op.drop_table("hall_leases")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_token")
        for name in ("guide", "requeues", "clerk", "token"):
            batch.drop_column(name)
