"""The outbox: an Apprise plugin of ours that writes each message to a file.

`dondocoutbox://` writes under $DONDOC_HOME/outbox, `dondocoutbox:///some/dir` under that
folder: one JSON file per message, named after its idempotency key, written atomically
(temporary file, then rename), so a message delivered twice is still one file. It is the
target that needs no setup: without DONDOC_APPRISE_CONFIG every reminder lands here.
(Apprise accepts only [a-z0-9] in a schema, hence no hyphen in the name.)
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import Any

import orjson
from apprise import NotifyBase, NotifyType
from apprise.apprise import N_MGR

from dondoc.catalog.settings import dondoc_home

SCHEMA = "dondocoutbox"
# What the sender knows about the message in flight; Apprise hands a plugin only text.
CURRENT: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "dondoc_outbox_message", default=None)
_KEY_IN_BODY = re.compile(r"(?:Mã nhắc việc|Reminder key): (\S+)\s*$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def outbox_dir(directory: str | None = None) -> Path:
    return Path(directory) if directory else dondoc_home() / "outbox"


def file_name(key: str) -> str:
    """A file name from a key: readable, and unique even where the cleaning merges keys."""
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return f"{_UNSAFE.sub('_', key)[:150]}.{digest}.json"


class NotifyDondocOutbox(NotifyBase):  # type: ignore[misc]
    service_name = "dondoc outbox"
    protocol = SCHEMA
    secure_protocol = ()
    setup_url = "https://example.invalid/dondoc/outbox"
    # Local files: nothing to throttle.
    request_rate_per_sec = 0
    # Generous limits: Apprise folds or splits text that passes them, a file needs neither.
    title_maxlen = 2048
    body_maxlen = 10_000_000
    templates = ("{schema}://", "{schema}://{path}")
    template_tokens = dict(NotifyBase.template_tokens, **{
        "path": {"name": "Directory", "type": "string", "map_to": "directory"},
    })

    def __init__(self, directory: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.directory = directory or None

    def url(self, privacy: bool = False, *args: Any, **kwargs: Any) -> str:
        return f"{SCHEMA}://{self.directory or ''}"

    @property
    def url_identifier(self) -> tuple[str, str]:
        return (SCHEMA, self.directory or "")

    @staticmethod
    def parse_url(url: str) -> dict[str, Any] | None:
        results = NotifyBase.parse_url(url, verify_host=False)
        if not results:
            return results
        path = url.split("://", 1)[1].split("?", 1)[0]
        results["directory"] = path or None
        return results

    def send(self, body: str, title: str = "", notify_type: NotifyType = NotifyType.INFO,
             **kwargs: Any) -> bool:
        meta = CURRENT.get() or {}
        key = meta.get("key")
        if not key:
            found = _KEY_IN_BODY.search(body or "")
            key = found.group(1) if found else hashlib.sha1(
                f"{title}\n{body}".encode("utf-8")).hexdigest()
        folder = outbox_dir(self.directory)
        record = {
            "key": key, "unit": meta.get("unit"), "subject": title, "body": body,
            "type": getattr(notify_type, "value", str(notify_type)),
            "written_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
        try:
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / file_name(key)
            tmp = folder / f".{final.name}.{os.getpid()}.tmp"
            tmp.write_bytes(orjson.dumps(record, option=orjson.OPT_INDENT_2))
            os.replace(tmp, final)
        except OSError as exc:
            self.logger.warning(f"Cannot write to the outbox {folder}: {exc.strerror}")
            return False
        return True


def register() -> None:
    """Make `dondocoutbox://` known to Apprise (once per process)."""
    if SCHEMA not in N_MGR:
        N_MGR.add(NotifyDondocOutbox, schemas=SCHEMA)


register()
