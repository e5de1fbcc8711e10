"""The HTTP endpoint the reminder benchmarks deliver to: a real server on 127.0.0.1 in a
process of its own, counting requests and the distinct reminder keys they carry."""

from __future__ import annotations

import json
import re
import time
from typing import Any


def serve(port_q: Any, stop: Any, count_q: Any, delay_s: float = 0.0) -> None:
    """Serve until stop is set, then put (requests, distinct keys) on count_q; each answer
    comes delay_s seconds after its request (a relay's or an API's answer time)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    keys: set[str] = set()
    total = [0]
    lock = threading.Lock()
    pattern = re.compile(r"(?:Mã nhắc việc|Reminder key): (\S+)")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            found = pattern.search(json.loads(body).get("message", ""))
            if delay_s:
                time.sleep(delay_s)  # the relay's or the API's answer time
            with lock:
                total[0] += 1
                if found:
                    keys.add(found.group(1))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    class Server(ThreadingHTTPServer):
        # The listen backlog is set when the socket listens (in the constructor): as a class
        # attribute, or 64 senders overflow the default 5 and see connections reset.
        request_queue_size = 1024
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    port_q.put(server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop.wait()
    count_q.put((total[0], len(keys)))
    server.shutdown()
