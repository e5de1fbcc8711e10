"""A real Zalo OA API stand-in on 127.0.0.1 for the zalo:// tests.

It answers POST /v3.0/oa/message/cs as the Open API v3 documents it: HTTP 200 always, with
`"error": 0` and a message id on success, `-216` for a wrong access token and `-213` for
a user who does not follow the OA. Every request is checked against the documented shape
(method, path, `access_token` header, JSON body, text length); a request that breaks it
is recorded in `violations` and answered 400, so a test asserts `violations == []`.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/v3.0/oa/message/cs"
TEXT_LIMIT = 2000


@dataclass(frozen=True)
class ZaloMessage:
    user_id: str
    text: str


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class ZaloApi:
    """Accepts `token`; users in `not_following` are refused with -213."""

    def __init__(self, token: str, not_following: frozenset[str] = frozenset()) -> None:
        self.token = token
        self.not_following = not_following
        self.messages: list[ZaloMessage] = []  # accepted (error 0), in arrival order
        self.refused: list[tuple[str, int]] = []  # (user id, error code)
        self.violations: list[str] = []
        self.headers_seen: list[dict[str, str]] = []
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

            def _reply(self, status: int, answer: dict[str, Any]) -> None:
                raw = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _violation(self, what: str) -> None:
                with api.lock:
                    api.violations.append(what)
                self._reply(400, {"error": -1, "message": f"test server: {what}"})

            def do_GET(self) -> None:
                self._violation(f"GET {self.path}")

            def do_POST(self) -> None:
                with api.lock:
                    api.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
                if self.path != PATH:
                    return self._violation(f"path {self.path}")
                if "access_token" not in self.headers:
                    return self._violation("no access_token header")
                if "application/json" not in self.headers.get("Content-Type", ""):
                    return self._violation("content type")
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    return self._violation("body is not JSON")
                shape_ok = (
                    isinstance(body, dict) and set(body) == {"recipient", "message"}
                    and isinstance(body["recipient"], dict)
                    and set(body["recipient"]) == {"user_id"}
                    and isinstance(body["recipient"]["user_id"], str)
                    and isinstance(body["message"], dict) and set(body["message"]) == {"text"}
                    and isinstance(body["message"]["text"], str))
                if not shape_ok:
                    return self._violation(f"body shape {body!r:.200}")
                user, text = body["recipient"]["user_id"], body["message"]["text"]
                if not text or _utf16_len(text) > TEXT_LIMIT:
                    return self._violation(f"text length {_utf16_len(text)}")
                if self.headers["access_token"] != api.token:
                    with api.lock:
                        api.refused.append((user, -216))
                    return self._reply(200, {"error": -216,
                                             "message": "Access token is invalid"})
                if user in api.not_following:
                    with api.lock:
                        api.refused.append((user, -213))
                    return self._reply(200, {
                        "error": -213,
                        "message": "User has not followed OA or not interacted recently"})
                with api.lock:
                    api.messages.append(ZaloMessage(user, text))
                self._reply(200, {"error": 0, "message": "Success",
                                  "data": {"message_id": uuid.uuid4().hex, "user_id": user}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> ZaloApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def texts(self, user: str) -> list[str]:
        with self.lock:
            return [m.text for m in self.messages if m.user_id == user]
