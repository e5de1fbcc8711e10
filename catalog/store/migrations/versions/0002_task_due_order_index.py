"""An index in the overdue list's order, so that it is read in order rather than sorted

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from typing import Sequence, Union

from alembic import op

revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_task_due_order", "task", ["effective_due", "plan_code", "id"])


def downgrade() -> None:
    op.drop_index("ix_task_due_order", table_name="task")
