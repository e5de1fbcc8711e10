"""What stands between the internet and the store: link checks, per-link rate limits,
security headers, and an access log that never shows a token."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from pathlib import Path

from dondoc.catalog import links

log = logging.getLogger("dondoc.serve")

HEADERS = {
    # No script at all: the page works without JavaScript, so none is allowed to run.
    "content-security-policy": ("default-src 'none'; style-src 'self'; img-src 'self';"
                                " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    # The token is in the path: no Referer may carry it to another site.
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class KeyCache:
    """The link key, re-read when its file changes: `dondoc links rotate` in another
    process takes effect on the next request without restarting the server."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self._stamp: int | None = None
        self._key = b""
        self._lock = threading.Lock()

    def get(self) -> bytes:
        path = links.key_path(self.home)
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp is None or stamp != self._stamp:
                self._key = links.load_key(self.home)
                self._stamp = path.stat().st_mtime_ns
            return self._key


class RateLimit:
    """At most `per_minute` requests per link in any 60 s: a leaked or scripted link cannot
    flood the coordinator's queue."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, token: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(token, deque())
            while hits and now - hits[0] >= 60.0:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            if len(self._hits) > 10000:  # forget idle links, or memory grows with every link
                for k in [k for k, v in self._hits.items() if not v or now - v[-1] >= 60.0]:
                    del self._hits[k]
            return True


def access_line(method: str, path: str, status: int, client: str | None, ms: float) -> None:
    log.info("%s %s %s %s %.1fms", client or "-", method, links.mask(path), status, ms)
