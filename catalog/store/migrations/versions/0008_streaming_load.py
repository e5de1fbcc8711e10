"""Streaming catalog loads: what each plan file produced, and the staging of a load

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "catalogfile",
        sa.Column("plan_code", _S(length=64), nullable=False),
        sa.Column("file_path", _S(), nullable=False),
        sa.Column("sha256", _S(length=64), nullable=False),
        sa.Column("context_hash", _S(length=64), nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.Column("targets", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("plan_code"),
    )
    op.create_index("ix_catalogfile_file_path", "catalogfile", ["file_path"])
    op.create_table(
        "loadstage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("load_id", _S(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("plan_code", _S(length=64), nullable=False),
        sa.Column("file_path", _S(), nullable=False),
        sa.Column("sha256", _S(length=64), nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.Column("targets", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_loadstage_load_id", "loadstage", ["load_id"])


def downgrade() -> None:
    op.drop_table("loadstage")
    op.drop_table("catalogfile")
