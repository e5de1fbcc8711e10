"""`dondoc catalog validate|load`: plan files and unit registries, checked or loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from dondoc.catalog.i18n import DondocError, t
from dondoc.catalog.settings import shipped_plans_dir
from dondoc.tui.cli import imports
from dondoc.tui.cli.common import BadInput, JsonOpt, engine
from dondoc.tui.cli.output import changes_line, error_line, print_json
from dondoc.tui.cli.progress import progress

PathArg = Annotated[Optional[Path], typer.Argument(help="help.arg.catalog_path")]


def _read(path: Path, with_db: bool):  # type: ignore[no-untyped-def]
    from dondoc.catalog.files.reader import read_catalog
    from dondoc.catalog.store.loader import read_for_load

    cat = read_for_load(engine(), path) if with_db else read_catalog(path)
    if cat.errors:
        for err in cat.errors:
            error_line(err.render())
        raise BadInput
    return cat


def catalog_validate(path: PathArg = None, as_json: JsonOpt = False) -> None:
    """Check plan files and unit registries: exit 0, or 2 with file:line: message lines."""
    cat = _read(path or shipped_plans_dir(), with_db=False)
    _warn_app_assignments(cat)
    counts = {"plans": len(cat.plans), "tasks": cat.task_count, "targets": cat.target_count,
              "units": len(cat.units)}
    if as_json:
        print_json({"valid": True, **counts})
    else:
        print(t("cli.valid", **counts))


def _warn_app_assignments(cat) -> None:  # type: ignore[no-untyped-def]
    """Warn where a file names a lead for a task the app assigned (the file wins on load).

    Only against a database that exists already: validating must not create one."""
    from dondoc.catalog.settings import database_url
    from dondoc.catalog.store.assignments import lead_disagreements

    url = database_url()
    if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).exists():
        return
    try:
        warnings = lead_disagreements(engine(), cat)
    except DondocError:  # no database to compare with: the files alone are valid
        return
    for warning in warnings:
        error_line(warning.render())


def catalog_load(path: PathArg = None, as_json: JsonOpt = False) -> None:
    """Load plan files into the database: all or nothing; loading twice changes nothing."""
    from dondoc.catalog.files.reader import catalog_files
    from dondoc.catalog.store.streamload import Progress, load_path

    path = path or shipped_plans_dir()
    size = sum(f.stat().st_size for f in catalog_files(path)) if path.exists() else 0
    # The bar counts bytes of files read, then of files applied; a small catalogue (a few
    # MB) loads before a bar could be read.
    with progress(t("progress.load"), size, quiet=as_json, min_total=2_000_000) as bar:
        outcome = load_path(engine(), path, progress=Progress(bar.advance, bar.set_total))
    if outcome.errors:
        for err in outcome.errors:
            error_line(err.render())
        raise BadInput
    summary = outcome.summary
    if as_json:
        print_json({"changed": summary.changed, **summary.as_json()})
        return
    if not summary.changed:
        print(t("cli.unchanged"))
    print(t("cli.loaded", summary=changes_line(summary.as_json())))


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="help.group.catalog", no_args_is_help=True)
    group.command("validate", help="help.cmd.catalog_validate")(catalog_validate)
    group.command("load", help="help.cmd.catalog_load")(catalog_load)
    imports.register(group)
    app.add_typer(group, name="catalog")
