"""`dondoc catalog import` and `dondoc catalog draft`: plans in without writing YAML.

Exit 0 when the draft is complete, 3 when a person must read its «CẦN XEM» lines, 2 when
the input cannot be read at all (and then nothing is written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from dondoc.tui.cli.common import JsonOpt, parse_date

NEEDS_REVIEW = 3

CodeOpt = Annotated[str, typer.Option("--code", help="Plan code for the new file.")]
IssuerOpt = Annotated[Optional[str], typer.Option("--issuer", help="Issuing unit (code, name or alias).")]
TitleOpt = Annotated[Optional[str], typer.Option("--title", help="Plan title.")]
IssuedOpt = Annotated[Optional[str], typer.Option("--issued-on", help="Date issued (YYYY-MM-DD).")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", help="Folder to write CODE.yaml in (default: here).")]
RegistryOpt = Annotated[Optional[Path], typer.Option(
    "--registry", help="Unit registry file or folder (default: the shipped registries).")]


def _finish(plan, out: Path | None, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    from dondoc.catalog.files.draft import write_draft
    from dondoc.catalog.i18n import t
    from dondoc.tui.cli.output import error_line, print_json

    path = write_draft(plan, out or Path.cwd())
    report = plan.report()
    if as_json:
        print_json({"file": str(path), **report})
    else:
        print(t("import.written", path=path, tasks=report["tasks"]))
    if plan.needs_review:
        error_line(t("import.needs_review", units=len(report["unresolved_units"]),
                     deadlines=len(report["unreadable_deadlines"])))
        # SystemExit, not typer.Exit: the app runs with standalone_mode=False, where
        # click would turn an Exit into a return value and the status would be lost.
        sys.exit(NEEDS_REVIEW)


def _registry(path: Path | None):  # type: ignore[no-untyped-def]
    from dondoc.catalog.files.draft import load_registry
    from dondoc.catalog.settings import shipped_plans_dir

    return load_registry(path or shipped_plans_dir())


def register(app: typer.Typer) -> None:
    """Add `import` and `draft` to the `catalog` command group."""

    @app.command("import")
    def catalog_import(file: Annotated[Path, typer.Argument(help="DOCX or XLSX appendix.")],
                       code: CodeOpt, issuer: IssuerOpt = None, title: TitleOpt = None,
                       issued_on: IssuedOpt = None, out: OutOpt = None,
                       registry: RegistryOpt = None, as_json: JsonOpt = False) -> None:
        """Read a task table (Danh mục nhiệm vụ) from DOCX/XLSX into a draft CODE.yaml."""
        from dondoc.catalog.files.importer import import_tables

        day = parse_date(issued_on) if issued_on else None
        plan = import_tables(file, code, _registry(registry), issuer=issuer, title=title,
                             issued_on=day)
        _finish(plan, out, as_json)

    @app.command("draft")
    def catalog_draft(file: Annotated[Path, typer.Argument(help="OCR text of a scanned plan.")],
                      code: CodeOpt, issuer: IssuerOpt = None, title: TitleOpt = None,
                      issued_on: IssuedOpt = None, out: OutOpt = None,
                      registry: RegistryOpt = None, as_json: JsonOpt = False) -> None:
        """Draft CODE.yaml from the OCR text of a scanned plan: sections, units, deadlines, targets."""
        from dondoc.catalog.files.ocrdraft import draft_from_text

        day = parse_date(issued_on) if issued_on else None
        plan = draft_from_text(file, code, _registry(registry), issuer=issuer, title=title,
                               issued_on=day)
        _finish(plan, out, as_json)
