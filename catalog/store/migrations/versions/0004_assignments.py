"""Assignments: each (task, unit, role) tracked on its own; groups list their members

The task-unit links written so far become catalog assignments, with the task's state, so
no existing link is lost; taskunit stays as the index behind --unit, derived from them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("members", sa.JSON(), nullable=True))
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leads", sa.JSON(), nullable=True))
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("via_group", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("due_override", sa.Date(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.ForeignKeyConstraint(["unit_code"], ["unit.code"]),
        sa.ForeignKeyConstraint(["via_group"], ["unit.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "unit_code", "role", name="uq_assignment_task_unit_role"),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_task_id"), ["task_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_unit_code"), ["unit_code"], unique=False)
    # Existing links carry the task's own state: a done task's units are done.
    op.execute(
        "insert into assignment (task_id, unit_code, role, via_group, source, status, progress,"
        " completed_on, withdrawn, created_at)"
        " select tu.task_id, tu.unit_code, tu.role, null, 'catalog',"
        " case when t.state = 'done' then 'done' else 'open' end,"
        " case when t.state = 'done' then 100 else t.progress end,"
        " case when t.state = 'done' then t.completed_on else null end,"
        " false, current_timestamp"
        " from taskunit tu join task t on t.id = tu.task_id"
    )


def downgrade() -> None:
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_unit_code"))
        batch_op.drop_index(batch_op.f("ix_assignment_task_id"))
    op.drop_table("assignment")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("leads")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("members")
