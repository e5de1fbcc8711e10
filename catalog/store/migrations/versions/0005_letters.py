"""Letters: a unit's contact line, and the day the sweep first saw each task

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_table(
        "remindwatch",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("first_as_of", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("task_id"),
    )


def downgrade() -> None:
    op.drop_table("remindwatch")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("contact")
