"""Whether a target's latest reported figure reaches its goal for that year."""

from __future__ import annotations

import re
from typing import Any, Mapping

from dondoc.catalog.text import fold

REACHED, NOT_REACHED, NO_FIGURE, UNKNOWN = "reached", "not_reached", "none", "unknown"

# Indicators where less is better ("giảm ... xuống dưới", "tối đa", "không quá").
_LOWER_IS_BETTER = re.compile(r"\b(giam|duoi|toi da|khong qua|khong vuot)\b")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def verdict(goals: Mapping[str, Any] | None, year: int | None, actual: Any,
            indicator: str, note: str | None = None) -> str:
    """reached, not_reached, none (no figure yet) or unknown (figures not comparable)."""
    if year is None:
        return NO_FIGURE
    goal = _number((goals or {}).get(str(year)))
    value = _number(actual)
    if goal is None or value is None:
        return UNKNOWN
    lower = bool(_LOWER_IS_BETTER.search(fold(f"{indicator} {note or ''}")))
    return REACHED if (value <= goal if lower else value >= goal) else NOT_REACHED
