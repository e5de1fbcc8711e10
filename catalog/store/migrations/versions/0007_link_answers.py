"""Answers through a unit's link: requests waiting for the coordinator, result documents

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "linkrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", _S(length=64), nullable=False),
        sa.Column("kind", _S(length=16), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("new_due", sa.Date(), nullable=True),
        sa.Column("reason", _S(), nullable=True),
        sa.Column("status", _S(length=16), nullable=False),
        sa.Column("client", _S(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by", _S(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decision_reason", _S(), nullable=True),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.ForeignKeyConstraint(["unit_code"], ["unit.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_linkrequest_assignment_id", "linkrequest", ["assignment_id"])
    op.create_index("ix_linkrequest_status", "linkrequest", ["status"])
    op.create_table(
        "resultfile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_report_id", sa.Integer(), nullable=False),
        sa.Column("sha256", _S(length=64), nullable=False),
        sa.Column("media_type", _S(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("name", _S(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["progress_report_id"], ["progressreport.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resultfile_progress_report_id", "resultfile", ["progress_report_id"])


def downgrade() -> None:
    op.drop_table("resultfile")
    op.drop_table("linkrequest")
