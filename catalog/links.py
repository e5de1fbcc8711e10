"""A unit's link: a token signed with HMAC-SHA256 over (unit, issued, expires).

The key lives in DONDOC_HOME/keys/links.key (32 random bytes, mode 0600), created on first
use. Rotating it (`dondoc links rotate`) invalidates every link ever issued at once, which
is the one way to take back a link that leaked. The token carries no secret: the unit code
and dates are readable, but only the key's holder can make a token that verifies.
Standard library only: the CLI's `links show` and the letters must not pay for a framework.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dondoc.catalog.settings import settings

KEY_FILE = Path("keys") / "links.key"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_path(home: Path | None = None) -> Path:
    return (home or settings().home) / KEY_FILE


def _write_key(path: Path) -> bytes:
    """A fresh key, written whole (temp file + rename) so a reader never sees half of one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    os.chmod(tmp, 0o600)  # the umask may have narrowed it further, never widened
    os.replace(tmp, path)
    return key


def load_key(home: Path | None = None) -> bytes:
    path = key_path(home)
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    return _write_key(path)


def rotate_key(home: Path | None = None) -> None:
    _write_key(key_path(home))


@dataclass(frozen=True)
class Link:
    unit: str
    issued: dt.datetime
    expires: dt.datetime
    token: str

    def url(self, base: str | None = None) -> str:
        return f"{(base or settings().serve_url).rstrip('/')}/u/{self.token}"

    def as_json(self, base: str | None = None) -> dict[str, str]:
        return {"unit": self.unit, "url": self.url(base), "expires": self.expires.isoformat()}


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def issue(unit: str, *, days: int | None = None, now: dt.datetime | None = None,
          key: bytes | None = None) -> Link:
    now = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    expires = now + dt.timedelta(days=days or settings().link_days)
    payload = f"{unit}\n{int(now.timestamp())}\n{int(expires.timestamp())}".encode()
    token = f"{_b64(payload)}.{_b64(_mac(key or load_key(), payload))}"
    return Link(unit, now, expires, token)


class BadLink(Exception):
    """A token that is malformed, forged, signed with a rotated key, or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # malformed, signature, expired: for tests, never for logs


def verify(token: str, *, key: bytes | None = None, now: dt.datetime | None = None) -> Link:
    if len(token) > 512 or token.count(".") != 1:
        raise BadLink("malformed")
    body, sig = token.split(".")
    try:
        payload, mac = _unb64(body), _unb64(sig)
        unit, issued, expires = payload.decode().split("\n")
        issued_at = dt.datetime.fromtimestamp(int(issued), dt.timezone.utc)
        expires_at = dt.datetime.fromtimestamp(int(expires), dt.timezone.utc)
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        raise BadLink("malformed") from None
    if not hmac.compare_digest(mac, _mac(key or load_key(), payload)):
        raise BadLink("signature")
    if (now or dt.datetime.now(dt.timezone.utc)) >= expires_at:
        raise BadLink("expired")
    return Link(unit, issued_at, expires_at, token)


def form_token(token: str, form: str, key: bytes | None = None) -> str:
    """The CSRF token of one form on one link's page: another site cannot compute it."""
    return _b64(_mac(key or load_key(), f"csrf\n{token}\n{form}".encode()))[:32]


def mask(path: str) -> str:
    """A request path with the token segment hidden, for logs."""
    parts = path.split("/")
    if len(parts) > 2 and parts[1] == "u":
        parts[2] = "…"
    return "/".join(parts)
