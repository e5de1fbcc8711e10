"""The command palette (ctrl+p): views, actions, and scoping to a plan or a unit."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from dondoc.tui.app.i18n import fold_keep

if TYPE_CHECKING:
    from dondoc.tui.app.host import PaletteHost

MAX_HITS = 40  # thousands of units would drown the list; the best matches are enough


class DondocCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app: PaletteHost = self.app  # type: ignore[assignment]
        return app.palette_commands()

    async def discover(self) -> Hits:
        for text, help_text, callback in self._commands()[:MAX_HITS]:
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        # People here often type without accents: match on folded text, show the original.
        matcher = self.matcher(fold_keep(query))
        hits = []
        for text, help_text, callback in self._commands():
            score = matcher.match(fold_keep(text))
            if score > 0:
                hits.append(Hit(score, text, partial(callback), text=text, help=help_text))
        hits.sort(key=lambda h: -h.score)
        for hit in hits[:MAX_HITS]:
            yield hit
