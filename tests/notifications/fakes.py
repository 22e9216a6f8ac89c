"""Local stand-ins for the outside world: a fake Telegram Bot API and a fake push service,
each a real HTTP server on 127.0.0.1 in a thread, recording what it was sent."""

from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server:
    def __init__(self):
        self.requests: list[dict] = []
        self.replies: deque[tuple[int, dict | bytes]] = deque()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                server.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": raw,
                    }
                )
                status, body = server.replies.popleft() if server.replies else server.default()
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def default(self) -> tuple[int, dict | bytes]:
        return 200, {}

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeBotApi(_Server):
    """`POST /bot<token>/<method>` like api.telegram.org; `sent` are the sendMessage bodies."""

    def default(self):
        return 200, {"ok": True, "result": {"message_id": len(self.requests)}}

    @property
    def sent(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests if r["path"].endswith("/sendMessage")]

    def fail_next(self, status: int, description: str, **extra) -> None:
        self.replies.append(
            (status, {"ok": False, "error_code": status, "description": description, **extra})
        )


class FakePushService(_Server):
    """A push service endpoint: 201 Created unless told otherwise (e.g. 410 Gone)."""

    def default(self):
        return 201, b""
