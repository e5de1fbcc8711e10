"""The unit's page: its open assignments, a form per assignment, what was recorded.

Routes (everything else is 404; there is no directory listing and no file is served back):
  GET  /u/{token}                       the unit's open assignments, worst first
  GET  /u/{token}/a/{id}                one assignment: report progress, done, extension
  POST /u/{token}/a/{id}/progress       a report (multipart: a result document may come)
  POST /u/{token}/a/{id}/done           a request to close the unit's share on a day
  POST /u/{token}/a/{id}/extension      a request for a later due date
  GET  /static/site.css, /healthz
A bad, expired or rotated link gets 403 and a page saying to ask the coordinator for a new
one; another unit's assignment id gets 404; too many requests on one link get 429.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders, UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dondoc.catalog import links
from dondoc.catalog.files import results
from dondoc.catalog.i18n import DondocError, nfc, t
from dondoc.catalog.settings import settings, today
from dondoc.catalog.store import answers
from dondoc.tui.web.guard import HEADERS, KeyCache, RateLimit, access_line

HERE = Path(__file__).parent
TEXT_MAX = 4000  # characters in one text field
BODY_MAX = results.MAX_BYTES + 256 * 1024  # the document and the form's other fields


def _date(value: Any) -> str:
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day.strftime(t("format.date"))


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["t"] = t
    env.filters["date"] = _date
    return env


class _Guard:
    """Runs create_app's guard (a closure over its page renderer) around the app."""

    def __init__(self, app: ASGIApp, guard: Callable[..., Awaitable[None]]) -> None:
        self.app, self.guard = app, guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.guard(scope, receive, send, self.app)


class Bad(Exception):
    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status, self.key = status, key


def create_app(engine: Any = None, home: Path | None = None) -> FastAPI:
    if engine is None:
        from dondoc.catalog.store.engines import engine_for
        engine = engine_for(settings().database_url)
    home = home or settings().home
    keys = KeyCache(home)
    limit = RateLimit(settings().serve_rate)
    env = _env()
    css = (HERE / "static" / "site.css").read_bytes()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    def page(name: str, status: int = 200, **kw: Any) -> HTMLResponse:
        return HTMLResponse(nfc(env.get_template(name).render(**kw)), status_code=status)

    async def guard(scope: Scope, receive: Receive, send: Send, inner: ASGIApp) -> None:
        """Size limit, security headers and the masked access line, as plain ASGI: the
        @app.middleware("http") form (BaseHTTPMiddleware) runs every request through an
        extra task and a response stream, which cost a good part of a form post."""
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).update(HEADERS)
            await send(message)

        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > BODY_MAX):
            await page("error.html.j2", 413, key="serve.err.too_large")(
                scope, receive, send_with_headers)
        else:
            await inner(scope, receive, send_with_headers)
        client = scope.get("client")
        access_line(scope["method"], scope["path"], status, client[0] if client else None,
                    (time.perf_counter() - started) * 1000)

    app.add_middleware(_Guard, guard=guard)

    @app.exception_handler(Bad)
    async def refused(_request: Request, exc: Bad) -> HTMLResponse:
        return page("error.html.j2", exc.status, key=exc.key)

    @app.exception_handler(404)
    async def not_found(_request: Request, _exc: Exception) -> HTMLResponse:
        return page("error.html.j2", 404, key="serve.err.not_found")

    def link_of(request: Request, token: str) -> links.Link:
        try:
            link = links.verify(token, key=keys.get())
        except links.BadLink:
            raise Bad(403, "serve.err.bad_link") from None
        if not limit.allow(token):
            raise Bad(429, "serve.err.too_many")
        return link

    def mine(link: links.Link, assignment_id: int) -> dict[str, Any]:
        row = answers.assignment_of(engine, assignment_id, link.unit)
        if row is None:
            raise Bad(404, "serve.err.not_found")
        return row

    def base(request: Request, token: str, link: links.Link) -> dict[str, Any]:
        return {"token": token, "unit": link.unit, "unit_name": _unit_name(link.unit),
                "expires": link.expires.date(), "home_url": f"/u/{token}"}

    def _unit_name(code: str) -> str:
        return answers.unit_name(engine, code)

    def client(request: Request) -> str | None:
        return request.client.host if request.client else None

    @app.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> str:
        return "ok"

    @app.get("/static/site.css")
    def stylesheet() -> Response:
        return Response(css, media_type="text/css; charset=utf-8")

    @app.get("/u/{token}", response_class=HTMLResponse)
    def unit_page(request: Request, token: str) -> HTMLResponse:
        link = link_of(request, token)
        items = answers.open_assignments(engine, link.unit, today())
        decided = answers.refused_or_accepted(engine, link.unit, 10)
        return page("unit.html.j2", items=items, decided=decided,
                    **base(request, token, link))

    def form_page(request: Request, token: str, link: links.Link, row: dict[str, Any],
                  status: int = 200, error: str | None = None) -> HTMLResponse:
        items = [a for a in answers.open_assignments(engine, link.unit, today())
                 if a.id == row["id"]]
        key = keys.get()
        csrf = {f: links.form_token(token, f"{row['id']}/{f}", key)
                for f in ("progress", "done", "extension")}
        return page("assignment.html.j2", status, item=items[0] if items else None,
                    row=row, csrf=csrf, error=error, today=today().isoformat(),
                    **base(request, token, link))

    @app.get("/u/{token}/a/{assignment_id}", response_class=HTMLResponse)
    def assignment_page(request: Request, token: str, assignment_id: int) -> HTMLResponse:
        link = link_of(request, token)
        return form_page(request, token, link, mine(link, assignment_id))

    async def posted(request: Request, token: str, assignment_id: int, form_name: str
                     ) -> tuple[links.Link, dict[str, Any], Any]:
        link = link_of(request, token)
        row = await run_in_threadpool(mine, link, assignment_id)
        try:
            form = await request.form(max_files=1, max_fields=16, max_part_size=64 * 1024)
        except Exception:  # a malformed or oversized multipart body
            raise Bad(400, "serve.err.bad_form") from None
        expected = links.form_token(token, f"{assignment_id}/{form_name}", keys.get())
        import hmac
        if not hmac.compare_digest(str(form.get("csrf", "")), expected):
            raise Bad(403, "serve.err.csrf")
        return link, row, form

    def text(form: Any, name: str) -> str | None:
        value = form.get(name)
        if value is None or isinstance(value, UploadFile):
            return None
        value = nfc(str(value)).strip()
        if len(value) > TEXT_MAX:
            raise Bad(400, "serve.err.too_long")
        return value or None

    def day(form: Any, name: str) -> dt.date | None:
        value = text(form, name)
        if value is None:
            return None
        try:
            found = dt.date.fromisoformat(value)
        except ValueError:
            raise Bad(400, "serve.err.bad_date") from None
        if not 1990 <= found.year <= 2100:
            raise Bad(400, "serve.err.bad_date")
        return found

    def recorded(request: Request, token: str, link: links.Link, what: dict[str, Any],
                 kind: str) -> HTMLResponse:
        return page("recorded.html.j2", what=what, kind=kind, **base(request, token, link))

    @app.post("/u/{token}/a/{assignment_id}/progress", response_class=HTMLResponse)
    async def post_progress(request: Request, token: str, assignment_id: int) -> HTMLResponse:
        link, row, form = await posted(request, token, assignment_id, "progress")
        raw = text(form, "progress")
        progress = None
        if raw is not None:
            if not raw.isdigit() or not 0 <= int(raw) <= 100:
                raise Bad(400, "serve.err.bad_progress")
            progress = int(raw)
        document = None
        upload = form.get("document")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(results.MAX_BYTES + 1)
            if data:
                try:
                    document = await run_in_threadpool(results.store, home, data,
                                                       upload.filename)
                except results.BadDocument as exc:
                    raise Bad(415 if exc.key == "serve.doc_type" else 413, exc.key) from None
        occurrence = day(form, "occurrence")
        try:
            what = await run_in_threadpool(
                lambda: answers.answer_progress(
                    engine, row, progress=progress, note=text(form, "note"),
                    difficulties=text(form, "difficulties"), proposals=text(form, "proposals"),
                    occurrence=occurrence, client=client(request), document=document))
        except DondocError as exc:
            return form_page(request, token, link, row, 400, str(exc))
        return recorded(request, token, link, what, "progress")

    @app.post("/u/{token}/a/{assignment_id}/done", response_class=HTMLResponse)
    async def post_done(request: Request, token: str, assignment_id: int) -> HTMLResponse:
        link, row, form = await posted(request, token, assignment_id, "done")
        try:
            what = await run_in_threadpool(
                lambda: answers.request(engine, row, answers.REQUEST_DONE, client=client(request),
                                        completed_on=day(form, "completed_on"),
                                        reason=text(form, "reason")))
        except DondocError as exc:
            return form_page(request, token, link, row, 400, str(exc))
        return recorded(request, token, link, what, "done")

    @app.post("/u/{token}/a/{assignment_id}/extension", response_class=HTMLResponse)
    async def post_extension(request: Request, token: str, assignment_id: int) -> HTMLResponse:
        link, row, form = await posted(request, token, assignment_id, "extension")
        try:
            what = await run_in_threadpool(
                lambda: answers.request(engine, row, answers.REQUEST_EXTENSION,
                                        client=client(request), new_due=day(form, "new_due"),
                                        reason=text(form, "reason")))
        except DondocError as exc:
            return form_page(request, token, link, row, 400, str(exc))
        return recorded(request, token, link, what, "extension")

    return app


def run(host: str, port: int) -> None:
    """Serve until stopped. uvicorn's own access log is off: it prints the path, and the
    path holds the token; guard.access_line logs it masked instead."""
    import logging

    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.run(create_app(), host=host, port=port, access_log=False, log_level="warning",
                server_header=False)
