"""Small questions about plans that the flows ask."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from dondoc.catalog.store.dialect import mark


def plan_codes(engine: Engine) -> list[str]:
    """Every plan's code, in order."""
    with engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("select code from plan order by code")]


def plan_contacts(engine: Engine, plan: str) -> list[str]:
    """The units a plan's reports go to: its coordinator, then its issuer (each once)."""
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            f"select coordinator_code, issuer_code from plan where code = {mark(engine)}",
            (plan,)).first()
    return [u for u in dict.fromkeys(row or ()) if u]
