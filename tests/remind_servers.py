"""Real receivers on 127.0.0.1 for the reminder tests: an HTTP endpoint and an SMTP server.

Both record what arrived so that a test can read subjects and bodies as a unit would.
The HTTP endpoint can be told, per message and attempt, to answer 500 or to stall past
the sender's timeout; only messages it answered 200 count as delivered.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

KEY = re.compile(r"(?:Mã nhắc việc|Reminder key): (\S+)")


def key_of(text: str) -> str | None:
    found = KEY.search(text or "")
    return found.group(1) if found else None


@dataclass
class Received:
    subject: str
    body: str
    key: str | None
    extra: dict[str, Any] = field(default_factory=dict)


class HttpReceiver:
    """A threaded http.server taking Apprise json:// (or form://) posts."""

    def __init__(self, behave: Callable[[str | None, int], str] | None = None,
                 delay_s: float = 0.0, stall_s: float = 2.0, port: int = 0) -> None:
        self.behave = behave or (lambda key, attempt: "ok")
        self.delay_s = delay_s
        self.stall_s = stall_s
        self.received: list[Received] = []
        self.requests = 0
        self.failures = Counter[str]()
        self.attempts = Counter[str]()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    data = json.loads(raw.decode("utf-8"))
                    title, body = data.get("title", ""), data.get("message", "")
                else:
                    from urllib.parse import parse_qs
                    form = parse_qs(raw.decode("utf-8"))
                    title, body = form.get("title", [""])[0], form.get("message", [""])[0]
                key = key_of(body)
                with receiver.lock:
                    receiver.requests += 1
                    receiver.attempts[key or ""] += 1
                    attempt = receiver.attempts[key or ""]
                action = receiver.behave(key, attempt)
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                if action == "fail":
                    with receiver.lock:
                        receiver.failures["fail"] += 1
                    self.send_response(500)
                    self.end_headers()
                    return
                if action == "timeout":
                    with receiver.lock:
                        receiver.failures["timeout"] += 1
                    # Stall past the client's read timeout; the client gives up, so this
                    # message was not acknowledged and does not count as delivered.
                    time.sleep(receiver.stall_s)
                    return
                with receiver.lock:
                    receiver.received.append(Received(title, body, key, {"path": self.path}))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HttpReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def keys(self) -> Counter[str]:
        with self.lock:
            return Counter(r.key for r in self.received if r.key)

    def count(self) -> int:
        with self.lock:
            return len(self.received)


class SmtpReceiver:
    """aiosmtpd on a random port, with AUTH (user/password) allowed without TLS."""

    def __init__(self, user: str, password: str) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.messages: list[Received] = []
        self.logins: list[tuple[str, bool]] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                part = msg.get_body(preferencelist=("plain", "html"))
                body = part.get_content() if part is not None else ""
                receiver.messages.append(Received(str(msg["subject"]), body, key_of(body),
                                                  {"to": list(envelope.rcpt_tos),
                                                   "from": envelope.mail_from,
                                                   "raw": envelope.content}))
                return "250 OK"

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                          auth_data: Any) -> Any:
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == user and auth_data.password.decode() == password)
            receiver.logins.append((auth_data.login.decode() if isinstance(auth_data, LoginPassword)
                                    else "?", ok))
            return AuthResult(success=ok)

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                     authenticator=authenticator, auth_require_tls=False)

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def free_port() -> int:
    """A port free on 127.0.0.1 right now (aiosmtpd's controller cannot take port 0)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, step: float = 0.02) -> bool:
    """Poll a condition until it holds or the time is up (no fixed sleeps in tests)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return condition()


def write_plan(folder: "Path", tasks: int, deadline: str = "30/06/2022",
               code: str = "DM-NHAC-2022", extra: str = "") -> "Path":
    """A catalog folder: the fixture's units and one plan of `tasks` tasks, each led by
    Phòng VHTT with three coordinating units, so each due rule means 4 deliveries."""
    import shutil
    from pathlib import Path

    from tests.cli import FIXTURES

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "catalog" / "units.yaml", folder / "units.yaml")
    lines = [
        "plan:", f"  code: {code}", "  title: Kế hoạch đôn đốc thử nghiệm năm 2022",
        "  issuer: UBND thành phố Đông Mai", "  issued_on: 2022-01-10", "  horizon: Năm 2022",
        "  coordinator: Phòng Văn hóa và Thông tin", extra, "tasks:",
    ]
    for i in range(1, tasks + 1):
        lines += [f"  - code: NV{i:04d}", f"    title: Nhiệm vụ thử nghiệm số {i} về chuyển đổi số",
                  "    lead: Phòng VHTT",
                  "    coordinators: [Phòng TCKH, UBND xã Tiên A, UBND phường Đông B]",
                  f"    deadline: {deadline}"]
    (folder / "plan.yaml").write_text("\n".join(l for l in lines if l) + "\n", encoding="utf-8")
    return folder


class TrickleServer:
    """An HTTP endpoint that answers one byte every `every` seconds, forever: each read
    succeeds within any per-read timeout, so only an overall deadline ends the request."""

    def __init__(self, every: float = 0.3) -> None:
        import socket

        self.every = every
        self.requests = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.requests += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: Any) -> None:
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            while not self.stop.is_set():
                conn.sendall(b"x")
                time.sleep(self.every)
        except OSError:
            pass
        finally:
            conn.close()

    def __enter__(self) -> "TrickleServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.sock.close()


def write_unit_plan(folder: "Path", units: int, coordinators: int = 1,
                    deadline: str = "30/06/2022", code: str = "DM-RONG-2022") -> list[str]:
    """A catalog folder with `units` communes of their own, each leading one task that the
    next `coordinators` communes support: every unit owes 1 + coordinators reminders a due
    rule, so a letter run sends `units` letters covering units * (1 + coordinators) rows.
    Returns the unit codes (for an Apprise tag list)."""
    import shutil
    from pathlib import Path

    from tests.cli import FIXTURES

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    codes = [f"DM-XT-{i:03d}" for i in range(1, units + 1)]
    registry = (FIXTURES / "catalog" / "units.yaml").read_text(encoding="utf-8").rstrip("\n")
    for i, unit in enumerate(codes, 1):
        registry += (f"\n  - code: {unit}\n    name: Ủy ban nhân dân xã Thử Nghiệm {i}\n"
                     f"    kind: ubnd-xa\n    parent: DM-UBND\n")
    (folder / "units.yaml").write_text(registry, encoding="utf-8")
    lines = ["plan:", f"  code: {code}", "  title: Kế hoạch đôn đốc các xã năm 2022",
             "  issuer: UBND thành phố Đông Mai", "  issued_on: 2022-01-10",
             "  horizon: Năm 2022", "  coordinator: Phòng Văn hóa và Thông tin", "tasks:"]
    for i, unit in enumerate(codes):
        helpers = [codes[(i + k) % units] for k in range(1, coordinators + 1)]
        lines += [f"  - code: NV{i + 1:04d}", f"    title: Nhiệm vụ của xã số {i + 1}",
                  f"    lead: {unit}", f"    coordinators: [{', '.join(helpers)}]",
                  f"    deadline: {deadline}"]
    (folder / "plan.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return codes


LETTER_LINE = re.compile(r"^\d+\. \[[^\]]*\] (\S+) – ", re.M)
ADDRESSEE = re.compile(r"^(?:Kính gửi|To): (.+)$", re.M)


def letter_rows(received: "list[Received]") -> Counter[tuple[str, str]]:
    """(addressee, task code) for every task line of every letter received: what reached
    the units, row by row, however the rows were grouped into letters."""
    out: Counter[tuple[str, str]] = Counter()
    for r in received:
        body = r.body.replace("\r\n", "\n")
        found = ADDRESSEE.search(body)
        who = found.group(1).strip() if found else ""
        out.update((who, task) for task in LETTER_LINE.findall(body))
    return out
