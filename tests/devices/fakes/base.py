"""A small threaded HTTP server to build provider fakes on."""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Request:
    def __init__(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        self.method = method
        self.path = parts.path
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.headers = handler.headers
        length = int(handler.headers.get("Content-Length") or 0)
        self.body = handler.rfile.read(length) if length else b""
        ctype = handler.headers.get("Content-Type", "")
        self.form = (
            {k: v[-1] for k, v in parse_qs(self.body.decode()).items()} if "form" in ctype else {}
        )

    @property
    def bearer(self) -> str:
        auth = self.headers.get("Authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else ""


class FakeServer:
    """Subclass and implement `route(request) -> (status, headers, body)`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.calls: list[tuple[str, str]] = []
        self.script: dict[str, deque] = defaultdict(deque)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _serve(self, method: str) -> None:
                request = Request(self, method)
                with fake.lock:
                    fake.calls.append((method, request.path))
                    queue = fake.script[request.path]
                    scripted = queue.popleft() if queue else None
                status, headers, body = scripted or fake.route(request)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                headers = {"Content-Type": "application/json", **fake.extra_headers(), **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail_next(self, path: str, status: int, body=None, headers=None, times: int = 1) -> None:
        for _ in range(times):
            self.script[path].append((status, headers or {}, body or {"message": "scripted"}))

    def count(self, method: str, path_start: str) -> int:
        return sum(1 for m, p in self.calls if m == method and p.startswith(path_start))

    def extra_headers(self) -> dict:
        return {}

    def route(self, request: Request):
        raise NotImplementedError
