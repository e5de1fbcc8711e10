"""What dondoc sync last wrote per plan and Prefect server

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "prefectsync",
        sa.Column("api_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("plan_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("deployment_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("synced_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("api_url", "plan_code"),
    )


def downgrade() -> None:
    op.drop_table("prefectsync")
