"""The one progress bar of the command line: rich, on stderr, only on a terminal, transient.

Scripts and pipes see nothing; a person at a terminal sees long work move and then the bar
disappears, leaving only the result on stdout.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator


@dataclass(frozen=True, slots=True)
class Bar:
    """What long work reports to; both are None when no bar is shown, so callers skip the work."""

    advance: Callable[[int], None] | None = None
    set_total: Callable[[int], None] | None = None


@contextmanager
def progress(label: str, total: int | None = None, *, quiet: bool = False,
             min_total: int = 0) -> Iterator[Bar]:
    """A bar for `label`; total may come later through set_total. Work of min_total steps or
    fewer finishes before a bar would be read, so it gets none."""
    if quiet or not sys.stderr.isatty() or (total is not None and total <= min_total):
        yield Bar()
        return
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    handle = bar.add_task(label, total=total)
    with bar:
        yield Bar(lambda n: bar.advance(handle, n), lambda n: bar.update(handle, total=n))
