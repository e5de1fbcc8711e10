"""`dondoc serve`, `dondoc links show|rotate`, `dondoc requests [accept|refuse]`: the units'
answer page, the links the letters carry, and the requests that wait for the coordinator."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from dondoc.catalog.i18n import DondocError, t
from dondoc.tui.cli.common import JsonOpt, engine
from dondoc.tui.cli.output import print_json


def serve(host: Annotated[Optional[str], typer.Option("--host", help="help.opt.host")] = None,
          port: Annotated[Optional[int], typer.Option("--port", help="help.opt.port")] = None,
          ) -> None:
    """Serve the units' answer page until Ctrl-C."""
    from dondoc.catalog.settings import settings
    from dondoc.tui.web.app import run

    s = settings()
    host, port = host or s.serve_host, port or s.serve_port
    print(t("serve.listening", url=f"http://{host}:{port}", public=s.serve_url), flush=True)
    run(host, port)


def _unit_code(ref: str) -> str:
    from dondoc.catalog.store.queries import Reader

    found = Reader(engine()).find_unit(ref)
    if not isinstance(found, str):
        raise DondocError("links.unknown_unit", unit=ref)
    return found


def links_show(unit: Annotated[str, typer.Option("--unit", help="help.opt.links_unit")],
               as_json: JsonOpt = False) -> None:
    """Print a unit's answer link: one unit, its assignments only."""
    from dondoc.catalog.links import issue

    link = issue(_unit_code(unit))
    if as_json:
        print_json(link.as_json())
    else:
        print(link.url())


def links_rotate() -> None:
    """A new signing key: every link issued so far stops working at once."""
    from dondoc.catalog.links import rotate_key

    rotate_key()
    print(t("links.rotated"))


def requests_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The done and extension requests that wait for the coordinator."""
    if ctx.invoked_subcommand is not None:
        return
    from dondoc.catalog.store.answers import pending_requests
    from dondoc.tui.app.i18n import fmt_date, fmt_datetime

    rows = pending_requests(engine())
    if as_json:
        print_json(rows)
        return
    if not rows:
        print(t("requests.none"))
    for r in rows:
        day = r["completed_on"] or r["new_due"]
        detail = f" {fmt_date(day)}" + (f" — {r['reason']}" if r["reason"] else "")
        print(t("requests.line", id=r["id"], plan=r["plan"], task=r["task"], unit=r["unit"],
                kind=t(f"requests.kind.{r['kind']}"), detail=detail,
                at=fmt_datetime(r["created_at"])))


def accept(request_id: Annotated[int, typer.Argument(help="help.arg.request_id")],
           as_json: JsonOpt = False) -> None:
    """Accept a request: the unit's share is closed, or its due date moves."""
    from dondoc.catalog.store.answers import decide

    done = decide(engine(), request_id, accept=True)
    print_json(done) if as_json else print(t("requests.accepted", **done))


def refuse(request_id: Annotated[int, typer.Argument(help="help.arg.request_id")],
           reason: Annotated[str, typer.Option("--reason", help="help.opt.refuse_reason")],
           as_json: JsonOpt = False) -> None:
    """Refuse a request, saying why (the unit reads it on its page)."""
    from dondoc.catalog.store.answers import decide

    done = decide(engine(), request_id, accept=False, reason=reason)
    print_json(done) if as_json else print(t("requests.refused", **done))


def register(app: typer.Typer) -> None:
    app.command("serve", help="help.cmd.serve")(serve)
    group = typer.Typer(help="help.group.links", no_args_is_help=True)
    group.command("show", help="help.cmd.links_show")(links_show)
    group.command("rotate", help="help.cmd.links_rotate")(links_rotate)
    app.add_typer(group, name="links")
    req = typer.Typer(help="help.group.requests", invoke_without_command=True)
    req.callback()(requests_list)
    req.command("accept", help="help.cmd.requests_accept")(accept)
    req.command("refuse", help="help.cmd.requests_refuse")(refuse)
    app.add_typer(req, name="requests")
