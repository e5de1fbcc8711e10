"""Resolving a unit reference (code, name or alias) to a unit of the registry.

Documents name the same body many ways ("Sở TT&TT", "Sở Thông tin và Truyền thông"), and
every province has its own "UBND tỉnh". A reference is matched without regard to case,
Unicode form, spacing or dash style; where it fits units of several provinces, the unit
of the plan's own province wins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_DASH = re.compile(r"\s*[-–—‐]\s*")
_AMP = re.compile(r"\s*&\s*")
_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    s = unicodedata.normalize("NFC", text).casefold().strip()
    s = _DASH.sub("-", s)
    s = _AMP.sub("&", s)
    return _SPACE.sub(" ", s)


@dataclass
class UnitEntry:
    code: str
    name: str
    province: str | None
    origin: str  # "file:line" or "database", for messages


@dataclass
class UnitIndex:
    units: dict[str, UnitEntry] = field(default_factory=dict)
    _by_key: dict[str, list[str]] = field(default_factory=dict)

    def add(self, entry: UnitEntry, aliases: list[str]) -> None:
        self.units[entry.code] = entry
        for key in {norm(entry.code), norm(entry.name), *(norm(a) for a in aliases)}:
            codes = self._by_key.setdefault(key, [])
            if entry.code not in codes:
                codes.append(entry.code)

    def ambiguous_within_province(self) -> list[tuple[str, list[str]]]:
        """Names that point to two units of the same province: the registry must fix them."""
        out = []
        for key, codes in self._by_key.items():
            seen: dict[str | None, list[str]] = {}
            for code in codes:
                seen.setdefault(self.units[code].province, []).append(code)
            for group in seen.values():
                if len(group) > 1:
                    out.append((key, group))
        return out

    def resolve(self, ref: str, province: str | None = None) -> str | None | list[str]:
        """A unit code; None if unknown; the candidate codes if still ambiguous."""
        codes = self._by_key.get(norm(ref))
        if not codes:
            return None
        if len(codes) == 1:
            return codes[0]
        if ref in codes:  # an exact code always wins
            return ref
        local = [c for c in codes if self.units[c].province == province]
        if len(local) == 1:
            return local[0]
        return codes
