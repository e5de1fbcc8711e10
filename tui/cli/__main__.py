"""`python -m dondoc.tui.cli`: the same as the `dondoc` command."""

from dondoc.tui.cli import main

main()
