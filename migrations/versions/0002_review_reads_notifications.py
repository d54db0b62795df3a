"""Review reads, notifications, approved revision, sensitive fields.

Adds columns in place (no table copy), so existing plans keep their rows and links.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 06:58:27.936108

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workplan_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workplan_id"], ["workplans.id"], name=op.f("fk_notifications_workplan_id_workplans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "review_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workplan_id", sa.Integer(), nullable=False),
        sa.Column("revision_number", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_review_reads_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workplan_id"], ["workplans.id"], name=op.f("fk_review_reads_workplan_id_workplans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "workplan_id", name=op.f("pk_review_reads")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sensitive_fields", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table("workplans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_revision_number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sensitive_fields", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table("workplans", schema=None) as batch_op:
        batch_op.drop_column("sensitive_fields")
        batch_op.drop_column("approved_revision_number")

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("sensitive_fields")

    op.drop_table("review_reads")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))

    op.drop_table("notifications")
