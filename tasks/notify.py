"""Sending through Apprise: contacts from a YAML configuration, secrets from the environment.

The configuration (DONDOC_APPRISE_CONFIG) is Apprise's YAML; tags are unit codes. URLs and
options may say ``${NAME}``: the value comes from the environment, is URL-quoted inside a
URL, and is masked wherever text leaves this module (ledger, output, logs). Without a
configuration, and for a unit that no entry is tagged with, messages go to the outbox.

Each configuration entry is an *endpoint* with a stable channel id (its schema and a hash
of the URL and options as written, before expansion): the ledger keys deliveries by it,
so a rotated password changes nothing while a new address gets its own delivery.

Apprise throttles each plugin (request_rate_per_sec, 5.5 s for e-mail); that is off here:
the ledger and the thread pool set the pace. Apprise logs through the "apprise" logger;
its records are captured per thread as the error text of the send, masked, and never
reach the console.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import quote

import orjson
import yaml

from dondoc.catalog.i18n import DondocError, t
from dondoc.catalog.safety import scrub_urls, url_label
from dondoc.tasks import outbox, zalo  # noqa: F401  (importing registers zalo:// with Apprise)
from dondoc.tasks.render import Message

ENV_CONFIG = "DONDOC_APPRISE_CONFIG"
OUTBOX_CHANNEL = "outbox"
_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_USERINFO = re.compile(r"(://[^/@\s:]*:)[^@\s/]+@")
# Schemas whose host is the server to reach (ntfy's host is optional: it defaults to ntfy.sh).
_NEEDS_HOST = {"json", "jsons", "form", "forms", "xml", "xmls", "mailto", "mailtos", "gotify",
               "gotifys", "matrix", "matrixs", "mmost", "mmosts"}
_PIECES = re.compile(r"[/:@?&=,\s]+")


class ConfigError(DondocError):
    """A configuration that cannot be used: named in one line, nothing sent."""


@dataclass(frozen=True)
class Endpoint:
    channel: str
    label: str  # safe to show: schema and host, never credentials
    tags: frozenset[str]  # lower-case unit codes
    plugin: Any  # an apprise NotifyBase
    # E-mail: the same server set to HTML, for letters (HTML with Apprise's plain-text
    # alternative, and attachments). Apprise converts formats only in Apprise.notify, not
    # in a plugin's own notify, so the format is chosen by picking the instance.
    rich: Any = None


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    error: str | None
    ms: int


@dataclass
class Targets:
    endpoints: list[Endpoint]
    fallback: Endpoint
    secrets: tuple[str, ...] = ()
    source: str | None = None  # the configuration file, or None for the outbox default
    # One Apprise object holding every endpoint: routing is Apprise's own tag matching
    # (Apprise.find), so `always`, `all` and whatever Apprise adds hold as documented.
    apprise: Any = field(default=None, init=False)
    _by_plugin: dict[int, Endpoint] = field(default_factory=dict, init=False)
    _always: list[Endpoint] = field(default_factory=list, init=False)
    _routes: dict[tuple[str, ...], tuple[list[Endpoint], bool]] = field(
        default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if not self.endpoints:
            return
        from apprise import Apprise

        self.apprise = Apprise()
        for endpoint in self.endpoints:
            self.apprise.add(endpoint.plugin)
            self._by_plugin[id(endpoint.plugin)] = endpoint
        # No unit code contains a space: this tag matches no URL, so what Apprise returns
        # for it is exactly the URLs tagged `always`.
        self._always = [self._by_plugin[id(s)]
                        for s in self.apprise.find(tag="dondoc no unit", match_always=True)]

    def route(self, tags: Iterable[str]) -> tuple[list[Endpoint], bool]:
        """The endpoints Apprise notifies for these unit codes, and whether any URL is
        tagged with one of them. A unit no URL is tagged with goes to the outbox (and to
        the `always` URLs, as Apprise would notify them)."""
        key = tuple(sorted({t.lower() for t in tags}))
        found = self._routes.get(key)
        if found is not None:
            return found
        if self.apprise is None:
            found = ([self.fallback], True)
        else:
            own = [self._by_plugin[id(s)]
                   for s in self.apprise.find(tag=list(key), match_always=False)]
            out = own + [e for e in self._always if e not in own]
            found = ((out if own else [self.fallback, *out]), bool(own))
        self._routes[key] = found
        return found

    def for_unit(self, code: str) -> list[Endpoint]:
        """The unit's endpoints, or the outbox when none is tagged with its code."""
        return self.route([code])[0]

    def routed(self, code: str) -> bool:
        return self.route([code])[1]

    def mask(self, text: str | None) -> str | None:
        if not text:
            return text
        return _mask_all(text, self.secrets)


# ------------------------------------------------------------------------ configuration


def _outbox_endpoint() -> Endpoint:
    from apprise import Apprise

    plugin = Apprise.instantiate(f"{outbox.SCHEMA}://")
    return Endpoint(OUTBOX_CHANNEL, f"{outbox.SCHEMA}://", frozenset(), plugin)


def _expand(value: Any, env: Mapping[str, str], secrets: set[str], in_url: bool,
            where: str) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, env, secrets, False, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, env, secrets, False, where) for v in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise ConfigError("remind.config_env", path=where, name=name)
        raw = env[name]
        if raw:
            secrets.add(raw)
        text = quote(raw, safe="") if in_url else raw
        if text:
            secrets.add(text)
        return text

    return _REF.sub(one, value)


def _entries(data: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    """(URL as written, options) for each endpoint, in the file's order."""
    if not isinstance(data, dict) or not isinstance(data.get("urls"), list):
        raise ConfigError("remind.config_bad", path=where, problem="urls:")
    out: list[tuple[str, dict[str, Any]]] = []
    for item in data["urls"]:
        if isinstance(item, str):
            out.append((item, {}))
        elif isinstance(item, dict) and len(item) == 1:
            url, opts = next(iter(item.items()))
            for opt in (opts if isinstance(opts, list) else [opts or {}]):
                if not isinstance(opt, dict):
                    raise ConfigError("remind.config_bad", path=where, problem=str(url)[:40])
                out.append((str(url), opt))
        else:
            raise ConfigError("remind.config_bad", path=where, problem="urls:")
    return out


def _channel(url: str, opts: dict[str, Any]) -> str:
    schema = url.split("://", 1)[0].lower() if "://" in url else "url"
    ident = {k: v for k, v in opts.items() if k != "tag"}
    digest = hashlib.sha1(url.encode("utf-8") + b"\n" + orjson.dumps(
        ident, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()[:10]
    return f"{schema[:40]}-{digest}"


def _label(url: str) -> str:
    if url.split("://", 1)[0].lower() == outbox.SCHEMA:
        return f"{outbox.SCHEMA}://"
    return url_label(url.replace("${", "").replace("}", ""))


def _address_problem(url: str, plugin: Any) -> str | None:
    """Apprise accepts json://host:99999 and port 0; such an endpoint can only ever fail."""
    schema = url.split("://", 1)[0].lower()
    host, port = getattr(plugin, "host", None), getattr(plugin, "port", None)
    if schema in _NEEDS_HOST and not host:
        return t("remind.url_no_host")
    if port is not None:
        try:
            ok = 1 <= int(port) <= 65535
        except (TypeError, ValueError):
            ok = False
        if not ok:
            return t("remind.url_bad_port", port=port)
    return None


def _plugin_secrets(plugin: Any) -> set[str]:
    """What Apprise's own privacy rendering hides (a bot token, a webhook id and token)."""
    from urllib.parse import unquote

    try:
        shown = set(_PIECES.split(unquote(plugin.url(privacy=True))))
        full = _PIECES.split(unquote(plugin.url(privacy=False)))
    except Exception:  # a plugin that cannot render itself leaves the URL scrubbing in place
        return set()
    out = set()
    for piece in full:
        if len(piece) >= 4 and piece not in shown and "..." not in piece:
            out |= {piece, quote(piece, safe="")}
    return out


def _tags(opts: dict[str, Any], global_tags: Any) -> frozenset[str]:
    tags: set[str] = set()
    for value in (opts.get("tag"), global_tags):
        if isinstance(value, str):
            tags |= {t.strip().lower() for t in re.split(r"[,\s]+", value) if t.strip()}
        elif isinstance(value, list):
            tags |= {str(t).strip().lower() for t in value if str(t).strip()}
    return frozenset(tags)


def load_targets(path: str | Path | None = None,
                 env: Mapping[str, str] | None = None) -> Targets:
    """The endpoints of the configuration at path (default: $DONDOC_APPRISE_CONFIG)."""
    env = os.environ if env is None else env
    path = path or env.get(ENV_CONFIG) or None
    fallback = _outbox_endpoint()
    if not path:
        return Targets([], fallback)
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("remind.config_read", path=where,
                          problem=getattr(exc, "strerror", None) or type(exc).__name__) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError("remind.config_bad", path=where,
                          problem=f"YAML (line {mark.line + 1})" if mark else "YAML") from None
    secrets: set[str] = set()
    raw = _entries(data, where)
    global_tags = data.get("tag")
    endpoints: list[Endpoint] = []
    from apprise import AppriseAsset, AppriseConfig

    asset = AppriseAsset()
    for url, opts in raw:
        expanded_url = _expand(url, env, secrets, True, where)
        expanded_opts = _expand(opts, env, secrets, False, where)
        doc = {"version": 1, "urls": [{expanded_url: [expanded_opts]}]}
        cfg = AppriseConfig(asset=asset)
        cfg.add_config(yaml.safe_dump(doc, allow_unicode=True), format="yaml")
        with capture() as problems:
            servers = cfg.servers()
        if len(servers) != 1:
            raise ConfigError("remind.config_url", path=where, url=_label(url),
                              problem=_mask_all("; ".join(problems), secrets) or "?")
        secrets |= _plugin_secrets(servers[0])
        problem = _address_problem(url, servers[0])
        if problem:
            raise ConfigError("remind.config_url", path=where, url=_label(url), problem=problem)
        plugin = servers[0]
        # The ledger and the pool set the pace; Apprise's per-plugin sleep would cap a
        # mail server at one message each 5.5 s.
        plugin.request_rate_per_sec = 0
        if "format" not in url and "format" not in opts:
            # Plain text as written: Apprise's default HTML for e-mail folds the lines of
            # the plain-text part into one.
            from apprise import NotifyFormat
            plugin.notify_format = NotifyFormat.TEXT
        for attr in ("password", "token", "apikey", "secret"):
            value = getattr(plugin, attr, None)
            if isinstance(value, str) and len(value) >= 3:
                secrets.add(value)
        tags = _tags(opts, global_tags)
        plugin.tags = set(tags)  # a global `tag:` too, so Apprise's matching sees it
        rich = None
        if _is_email(plugin) and "format" not in url and "format" not in opts:
            import copy

            from apprise import NotifyFormat
            rich = copy.copy(plugin)
            rich.notify_format = NotifyFormat.HTML
        endpoints.append(Endpoint(_channel(url, opts), _label(url), tags, plugin, rich))
    ordered = tuple(sorted(secrets, key=len, reverse=True))
    return Targets(endpoints, fallback, ordered, where)


def _is_email(plugin: Any) -> bool:
    from apprise.plugins.email import NotifyEmail

    return isinstance(plugin, NotifyEmail)


def _mask_all(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    # A URL written without ${...} carries its token inline: only its schema and host show.
    return scrub_urls(_USERINFO.sub(r"\1***@", text)) or ""


# ------------------------------------------------------------------------ log capture


class _ThreadCapture(logging.Handler):
    """Collects Apprise's records per thread, so each send gets its own error text."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        sink = getattr(self.local, "sink", None)
        if sink is None:
            return
        if record.levelno >= logging.WARNING or str(record.msg).startswith("Socket Exception"):
            try:
                sink.append(record.getMessage())
            except Exception:  # a malformed record must not break a send
                sink.append(str(record.msg))


_HANDLER: _ThreadCapture | None = None
_HANDLER_LOCK = threading.Lock()


def _handler() -> _ThreadCapture:
    global _HANDLER
    with _HANDLER_LOCK:
        if _HANDLER is None:
            _HANDLER = _ThreadCapture()
            log = logging.getLogger("apprise")
            # Nothing Apprise says reaches the console unmasked: it is captured instead.
            log.handlers = [_HANDLER]
            log.propagate = False
            log.setLevel(logging.DEBUG)
        return _HANDLER


class capture:
    def __enter__(self) -> list[str]:
        handler = _handler()
        self.previous = getattr(handler.local, "sink", None)
        handler.local.sink = []
        return handler.local.sink

    def __exit__(self, *exc: object) -> None:
        _handler().local.sink = self.previous


# ------------------------------------------------------------------------ deadline

# Apprise's timeouts are per socket operation: a server that trickles a byte each second
# never trips them. Each send registers the sockets it opens (in its own thread) and a timer
# shuts them down when the delivery's overall deadline passes; the blocked read then fails
# at once and the send is recorded as failed, to be retried later.
_SOCKETS = threading.local()
_PATCH_LOCK = threading.Lock()
_PATCHED = False


def _register(sock: Any) -> Any:
    registry = getattr(_SOCKETS, "open", None)
    if registry is not None:
        registry.append(sock)
    return sock


def _patch_connections() -> None:
    global _PATCHED
    with _PATCH_LOCK:
        if _PATCHED:
            return
        import socket

        import urllib3.util.connection as u3

        original_u3, original_socket = u3.create_connection, socket.create_connection

        def u3_create(*args: Any, **kw: Any) -> Any:
            return _register(original_u3(*args, **kw))

        def socket_create(*args: Any, **kw: Any) -> Any:  # smtplib and the like
            return _register(original_socket(*args, **kw))

        u3.create_connection = u3_create
        socket.create_connection = socket_create
        _PATCHED = True


def deadline_s() -> float:
    from dondoc.catalog.settings import settings
    return settings().send_deadline


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.sockets: list[Any] = []
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True

    def _expire(self) -> None:
        import socket

        with self.lock:
            self.expired = True
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:  # already closed: nothing left to interrupt
                    pass

    def __enter__(self) -> _Deadline:
        _patch_connections()
        _SOCKETS.open = _Tracked(self)
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        _SOCKETS.open = None


class _Tracked(list):  # type: ignore[type-arg]
    """The sockets of one send; one opened after the deadline is shut at once."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def append(self, sock: Any) -> None:
        import socket

        with self.deadline.lock:
            self.deadline.sockets.append(sock)
            if self.deadline.expired:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


# ------------------------------------------------------------------------ sending


def send(endpoint: Endpoint, message: Message, targets: Targets,
         deadline: float | None = None) -> SendResult:
    """One message to one endpoint, with the error text (masked) when it fails.

    The whole delivery (connect, send, read the answer) ends by `deadline` seconds
    (DONDOC_SEND_DEADLINE, default 60): past it the send counts as failed.
    """
    from apprise import NotifyFormat, NotifyType

    started = time.perf_counter()
    token = outbox.CURRENT.set({"key": message.key, "unit": message.unit})
    limit = deadline if deadline is not None else deadline_s()
    rich = endpoint.rich is not None and message.html is not None
    plugin = endpoint.rich if rich else endpoint.plugin
    folder: tempfile.TemporaryDirectory[str] | None = None
    try:
        with capture() as problems, _Deadline(limit) as watch:
            try:
                attach = None
                if rich and message.attachments is not None:
                    # Files only for the channels that carry them: an XLSX costs tens of ms.
                    folder = tempfile.TemporaryDirectory(prefix="dondoc-letter-")
                    attach = [str(p) for p in message.attachments(Path(folder.name))] or None
                ok = bool(plugin.notify(
                    body=message.html if rich else message.body, title=message.subject,
                    notify_type=NotifyType(message.notify_type),
                    body_format=NotifyFormat.HTML if rich else NotifyFormat.TEXT,
                    attach=attach))
            except Exception as exc:  # a plugin bug is this endpoint's failure, not the run's
                ok = False
                problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        outbox.CURRENT.reset(token)
        if folder is not None:
            folder.cleanup()
    ms = int((time.perf_counter() - started) * 1000)
    if watch.expired and not ok:
        problems.insert(0, f"deadline of {limit:g} s exceeded")
    if ok:
        return SendResult(True, None, ms)
    error = " | ".join(dict.fromkeys(p.strip() for p in problems if p.strip())) or "failed"
    return SendResult(False, targets.mask(error[:1000]), ms)
