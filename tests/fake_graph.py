"""A local fake of Meta's Graph API and YouTube's feeds, spoken over real HTTP on 127.0.0.1.

It answers with the documented shapes: `{"data": [...], "paging": {"cursors": {...},
"next": ...}}` for edges, nested `replies` on comments, `business_discovery` field
expansion, `debug_token`, `oauth/access_token` (fb_exchange_token), error objects
(`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`) and the usage
headers. Tests fill `FakeGraph.state` and read `FakeGraph.requests`.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

VERSION = "v21.0"
PAGE_SIZE = 2


def error_body(code: int, message: str, subcode: int | None = None) -> dict:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


class State:
    def __init__(self):
        self.tokens = {"good-token": True}  # token -> valid
        self.accounts = {}  # id -> {"followers_count": int, "username": str}
        self.media = {}  # account id -> [media dicts], newest first
        self.comments = {}  # media id -> [comment dicts with optional "replies": [...]]
        self.discovery = {}  # username -> followers_count (missing: not a professional account)
        self.feeds = {}  # channel id -> Atom text
        self.images = {}  # path -> bytes
        self.fail_next: list[tuple[int, dict | str]] = []  # (status, body) answered before anything
        self.usage_header: str | None = None
        self.debug_expires_at = 0
        self.exchanged_token = "refreshed-token"
        self.requests: list[tuple[str, dict]] = []


class Handler(BaseHTTPRequestHandler):
    server_version = "FakeGraph/1.0"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    @property
    def state(self) -> State:
        return self.server.state

    def _send(self, status: int, body, *, content_type="application/json", headers=None):
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if self.state.usage_header:
            self.send_header("X-App-Usage", self.state.usage_header)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _page(self, items: list, query: dict, path: str):
        after = int(query.get("after", ["0"])[0] or 0)
        limit = min(int(query.get("limit", [PAGE_SIZE])[0]), PAGE_SIZE)
        chunk = items[after : after + limit]
        body = {"data": chunk}
        if chunk:
            body["paging"] = {"cursors": {"before": str(after), "after": str(after + len(chunk))}}
            if after + len(chunk) < len(items):
                rest = {k: v[0] for k, v in query.items() if k not in ("after",)}
                rest["after"] = str(after + len(chunk))
                base = f"http://{self.headers['Host']}"
                body["paging"]["next"] = f"{base}{path}?{urlencode(rest)}"
        return body

    def do_GET(self):  # noqa: C901 - one small router
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        state = self.state
        state.requests.append((parts.path, {k: v[0] for k, v in query.items()}))
        if state.fail_next:
            status, body = state.fail_next.pop(0)
            return self._send(status, body)
        if parts.path.startswith("/img/"):
            return self._send(200, state.images.get(parts.path, b""), content_type="image/jpeg")
        if parts.path == "/feeds/videos.xml":
            feed = state.feeds.get(query.get("channel_id", [""])[0])
            if feed is None:
                return self._send(404, "<html>not found</html>", content_type="text/html")
            return self._send(200, feed, content_type="application/atom+xml")
        match = re.fullmatch(rf"/{VERSION}/(.+)", parts.path)
        if not match:
            return self._send(404, error_body(803, "Unknown path"))
        node = match.group(1)
        if node == "oauth/access_token":
            if not state.tokens.get(query.get("fb_exchange_token", [""])[0]):
                return self._send(400, error_body(190, "Error validating access token", 463))
            state.tokens[state.exchanged_token] = True
            return self._send(200, {"access_token": state.exchanged_token, "token_type": "bearer", "expires_in": 5183944})
        if node == "debug_token":
            token = query.get("input_token", [""])[0]
            return self._send(
                200,
                {"data": {"app_id": "1", "type": "USER", "is_valid": bool(state.tokens.get(token)),
                          "expires_at": state.debug_expires_at, "scopes": ["instagram_basic"]}},
            )
        token = query.get("access_token", [""])[0]
        if not state.tokens.get(token):
            return self._send(400, error_body(190, "Error validating access token: The session has been invalidated", 460))
        fields = query.get("fields", [""])[0]
        segments = node.split("/")
        if len(segments) == 2 and segments[1] in ("media", "posts"):
            if segments[0] not in state.media:
                return self._send(400, error_body(100, "Unsupported get request. Object does not exist", 33))
            return self._send(200, self._page(state.media.get(segments[0], []), query, parts.path))
        if len(segments) == 2 and segments[1] == "comments":
            if segments[0] not in state.comments:
                return self._send(400, error_body(100, "Unsupported get request. Object does not exist", 33))
            items = []
            for comment in state.comments[segments[0]]:
                comment = dict(comment)
                replies = comment.pop("replies", None)
                if replies:
                    comment["replies"] = {"data": replies}
                items.append(comment)
            return self._send(200, self._page(items, query, parts.path))
        account = state.accounts.get(segments[0])
        if account is None:
            return self._send(400, error_body(100, "Unsupported get request. Object does not exist", 33))
        discovery = re.match(r"business_discovery\.username\(([^)]+)\)", fields)
        if discovery:
            username = discovery.group(1)
            if username not in state.discovery:
                return self._send(400, error_body(110, "Invalid user id", 2207013))
            return self._send(
                200, {"business_discovery": {"followers_count": state.discovery[username], "id": "1784"}, "id": segments[0]}
            )
        return self._send(200, {**account, "id": segments[0]})


class FakeGraph:
    def __init__(self, port: int):
        self.state = State()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.state = self.state
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


_PORTS = iter(range(19110, 19199))


@pytest.fixture
def fake_graph(settings):
    """A running fake on one of intake's ports, with settings pointing at it and no real waits."""
    from unionportal import outside

    for port in _PORTS:
        try:
            fake = FakeGraph(port)
            break
        except OSError:
            continue
    settings.GRAPH_API_BASE_URL = fake.url
    settings.GRAPH_API_VERSION = VERSION
    settings.YOUTUBE_FEED_BASE_URL = fake.url
    settings.MEDIA_TOKEN_KEY = "x6n7cs5T8kqWn7jJjTq1b1D1m3h6G8pR0wq9bT2yS4E="
    settings.OUTSIDE_BACKOFF_SECONDS = 0.01
    settings.OUTSIDE_USAGE_PAUSE_SECONDS = 0.01
    settings.OUTSIDE_TIMEOUT_SECONDS = 5
    slept = []
    original = outside.sleep
    outside.sleep = slept.append
    fake.slept = slept
    with fake:
        yield fake
    outside.sleep = original
