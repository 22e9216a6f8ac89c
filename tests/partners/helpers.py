"""Test helpers: the OAuth 2 authorization code flow with PKCE as a partner runs it, and a
webhook receiver on 127.0.0.1 (correct, or faulty in a chosen way) in a thread."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from apps.partners import signing

REDIRECT_URI = "http://127.0.0.1:9/callback"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def authorize(
    user, client_id: str, client_secret: str, scope: str, *, base: str = "", http=None
) -> dict:
    """Run the authorization code + PKCE flow as `user` and return the token response.

    `http`: a requests.Session against a live server (`base` its URL); otherwise Django's
    test client."""
    verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "xyz",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    browser = Client()
    browser.force_login(user)
    page = browser.get("/oauth/authorize/", params)
    assert page.status_code == 200, page.content
    form = {k: v for k, v in params.items()}
    form["allow"] = "Authorize"
    answer = browser.post("/oauth/authorize/", form)
    assert answer.status_code == 302, answer.content
    location = urlsplit(answer["Location"])
    code = parse_qs(location.query)["code"][0]
    token_form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": client_id,
        "client_secret": client_secret,
        "code_verifier": verifier,
    }
    if http is not None:
        response = http.post(base + "/oauth/token/", data=token_form, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()
    response = Client().post("/oauth/token/", token_form)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def client_credentials(client_id: str, client_secret: str, scope="activities:read") -> dict:
    response = Client().post(
        "/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": scope,
        },
    )
    assert response.status_code == 200, response.content
    return json.loads(response.content)


class Receiver:
    """A webhook receiver. `verify` and `dedupe` off make the faulty ones the check must catch."""

    def __init__(self, secret: str = "", *, verify: bool = True, dedupe: bool = True):
        self.secret = secret
        self.verify = verify
        self.dedupe = dedupe
        self.seen: set[str] = set()
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.server = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def handle(self, headers: dict, body: bytes) -> tuple[int, dict]:
        if self.verify:
            try:
                signing.verify(self.secret, headers, body)
            except signing.SignatureError as exc:
                return 401, {"error": str(exc)}
        msg_id = headers.get("webhook-id", "")
        with self.lock:
            duplicate = self.dedupe and msg_id in self.seen
            self.seen.add(msg_id)
            if not duplicate:
                self.received.append({"headers": headers, "body": json.loads(body)})
        return 200, {"duplicate": duplicate}


@contextmanager
def running(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, answer = receiver.handle(headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
