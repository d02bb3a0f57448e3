"""A local fake of the Telegram Bot API for the tests and the bench.

A threaded `http.server` on 127.0.0.1 that speaks the documented shapes
(https://core.telegram.org/bots/api): `POST /bot<token>/<method>` with form or JSON
parameters, answered `{"ok": true, "result": …}` or `{"ok": false, "error_code": …,
"description": …, "parameters": {"retry_after": N}}`, and `GET /file/bot<token>/<path>`
for downloads. Methods: getMe, sendMessage, sendPoll, sendPhoto, sendDocument, getUpdates,
setWebhook, deleteWebhook, setMyCommands, getFile, answerCallbackQuery.

Limits, as Telegram enforces them: at most 30 messages in any second overall and one a
second per chat; past them a 429 "Too Many Requests: retry after N". `speed` runs a faster
clock (speed=20: the limits hold per 1/20 of a real second), so a bench of 10,000
messages takes seconds and still meets every limit. A chat in `blocked` gets 403 "Forbidden:
bot was blocked by the user".
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "123456:TEST-token_for-the-fake"
BOT = {"id": 123456, "is_bot": True, "first_name": "Union bot", "username": "test_union_bot",
       "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass
class Sent:
    method: str
    chat_id: int
    text: str
    reply_markup: dict | None
    message_id: int
    at: float  # the fake's clock (sped up)
    params: dict = field(default_factory=dict)  # the request as received (sendPoll's options)


@dataclass
class FakeTelegram:
    port: int
    token: str = TOKEN
    speed: float = 1.0
    enforce_limits: bool = True
    per_second: int = 30
    retry_after: int = 1
    sent: list[Sent] = field(default_factory=list)
    rejected_429: int = 0
    blocked: set[int] = field(default_factory=set)
    callback_answers: list[dict] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    webhook: dict = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    commands: dict[str, list] = field(default_factory=dict)
    updates: list[dict] = field(default_factory=list)
    # Real seconds a sendMessage takes before answering (the kill test slows the sender).
    delay: float = 0.0

    def __post_init__(self):
        self.lock = threading.Lock()
        self.window: deque[float] = deque()
        self.last_per_chat: dict[int, float] = {}
        self.message_ids = itertools.count(1)
        self.update_ids = itertools.count(1000)
        self.file_ids = itertools.count(1)
        self.start_real = time.monotonic()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- Control -----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeTelegram:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def now(self) -> float:
        return (time.monotonic() - self.start_real) * self.speed

    def texts_to(self, chat_id: int) -> list[str]:
        with self.lock:
            return [s.text for s in self.sent if s.chat_id == chat_id]

    def last_to(self, chat_id: int) -> Sent:
        with self.lock:
            return [s for s in self.sent if s.chat_id == chat_id][-1]

    def add_file(self, content: bytes, *, path: str) -> str:
        file_id = f"FILE{next(self.file_ids)}"
        self.files[file_id] = (path, content)
        return file_id

    # Updates as Telegram sends them (by webhook or getUpdates).
    def message(self, chat_id: int, *, text: str | None = None, language_code: str = "ru", **extra) -> dict:
        message = {
            "message_id": next(self.message_ids),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Member", "language_code": language_code},
            "chat": {"id": chat_id, "first_name": "Member", "type": "private"},
            "date": int(time.time()),
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
        return {"update_id": next(self.update_ids), "message": message}

    def callback(self, chat_id: int, data: str) -> dict:
        return {
            "update_id": next(self.update_ids),
            "callback_query": {
                "id": str(next(self.message_ids)),
                "from": {"id": chat_id, "is_bot": False, "first_name": "Member", "language_code": "ru"},
                "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}},
                "chat_instance": "1",
                "data": data,
            },
        }

    def poll_answer(self, chat_id: int, poll_id: str, option_ids: list[int]) -> dict:
        """A vote in a non-anonymous poll the bot sent (empty `option_ids`: the vote retracted)."""
        return {
            "update_id": next(self.update_ids),
            "poll_answer": {
                "poll_id": poll_id,
                "user": {"id": chat_id, "is_bot": False, "first_name": "Member", "language_code": "ru"},
                "option_ids": option_ids,
            },
        }

    def photo(self, chat_id: int, content: bytes, *, width=800, height=600) -> dict:
        file_id = self.add_file(content, path=f"photos/file_{len(self.files)}.jpg")
        sizes = [
            {"file_id": file_id + "s", "file_unique_id": "s", "file_size": 1000, "width": 90, "height": 67},
            {"file_id": file_id, "file_unique_id": "u" + file_id, "file_size": len(content), "width": width, "height": height},
        ]
        self.files[file_id + "s"] = (f"photos/small_{len(self.files)}.jpg", content)
        return self.message(chat_id, photo=sizes)

    # --- The API ---------------------------------------------------------------------------

    def _limit(self, chat_id: int) -> dict | None:
        if not self.enforce_limits:
            return None
        now = self.now()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        last = self.last_per_chat.get(chat_id)
        if len(self.window) >= self.per_second or (last is not None and now - last < 1.0):
            self.rejected_429 += 1
            return _error(429, f"Too Many Requests: retry after {self.retry_after}", retry_after=self.retry_after)
        self.window.append(now)
        self.last_per_chat[chat_id] = now
        return None

    def _send(self, method: str, params: dict) -> dict:
        try:
            chat_id = int(params.get("chat_id"))
        except (TypeError, ValueError):
            return _error(400, "Bad Request: chat not found")
        text = params.get("text") or params.get("question") or params.get("caption") or ""
        if method == "sendMessage" and not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return _error(400, "Bad Request: message is too long")
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            if chat_id in self.blocked:
                return _error(403, "Forbidden: bot was blocked by the user")
            limited = self._limit(chat_id)
            if limited:
                return limited
            markup = params.get("reply_markup")
            markup = json.loads(markup) if isinstance(markup, str) else markup
            message_id = next(self.message_ids)
            self.sent.append(Sent(method, chat_id, text, markup, message_id, self.now(), dict(params)))
        message = {"message_id": message_id, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                   "from": {k: BOT[k] for k in ("id", "is_bot", "first_name", "username")}}
        if method == "sendPoll":
            options = params.get("options")
            options = json.loads(options) if isinstance(options, str) else options or []
            message["poll"] = {"id": str(message_id), "question": text, "options": [{"text": o if isinstance(o, str) else o.get("text"), "voter_count": 0} for o in options],
                               "total_voter_count": 0, "is_closed": False, "type": "regular",
                               "is_anonymous": params.get("is_anonymous", "true") not in ("false", False),
                               "allows_multiple_answers": params.get("allows_multiple_answers") in ("true", True)}
        else:
            message["text"] = text
        return {"ok": True, "result": message}

    def handle(self, method: str, params: dict) -> dict:
        self.calls.append(method)
        if method == "getMe":
            return {"ok": True, "result": BOT}
        if method in ("sendMessage", "sendPoll", "sendPhoto", "sendDocument"):
            return self._send(method, params)
        if method == "answerCallbackQuery":
            if not params.get("callback_query_id"):
                return _error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
            self.callback_answers.append({"id": params["callback_query_id"], "text": params.get("text", "")})
            return {"ok": True, "result": True}
        if method == "setWebhook":
            self.webhook = {"url": params.get("url", ""), "secret_token": params.get("secret_token", "")}
            return {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "setMyCommands":
            commands = params.get("commands")
            commands = json.loads(commands) if isinstance(commands, str) else commands
            if not isinstance(commands, list) or any(not c.get("command") or not c.get("description") for c in commands):
                return _error(400, "Bad Request: BOT_COMMAND_INVALID")
            self.commands[params.get("language_code") or ""] = commands
            return {"ok": True, "result": True}
        if method == "deleteWebhook":
            self.webhook = {}
            return {"ok": True, "result": True, "description": "Webhook was deleted"}
        if method == "getUpdates":
            if self.webhook.get("url"):
                return _error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
            offset = int(params.get("offset") or 0)
            with self.lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                return {"ok": True, "result": list(self.updates)}
        if method == "getFile":
            entry = self.files.get(str(params.get("file_id")))
            if entry is None:
                return _error(400, "Bad Request: invalid file_id")
            path, content = entry
            return {"ok": True, "result": {"file_id": params["file_id"], "file_unique_id": "u" + params["file_id"],
                                           "file_size": len(content), "file_path": path}}
        return _error(404, "Not Found")

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as api.telegram.org does: one connection for a whole broadcast.
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                # Headers and body go out as two writes; without this, Nagle holds the body
                # back for the client's delayed ACK (40 ms a request on keep-alive).
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: bytes, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, data: dict):
                status = 200 if data.get("ok") else int(data.get("error_code", 400))
                self._reply(status, json.dumps(data).encode())

            def do_GET(self):
                prefix = f"/file/bot{fake.token}/"
                if self.path.startswith(prefix):
                    path = self.path[len(prefix):]
                    for stored_path, content in fake.files.values():
                        if stored_path == path:
                            self._reply(200, content, "application/octet-stream")
                            return
                    self._json(_error(404, "Not Found"))
                    return
                self._route(parse_qs(urlparse(self.path).query))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                content_type = self.headers.get("Content-Type", "")
                if "json" in content_type:
                    params = json.loads(raw or b"{}")
                else:
                    params = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
                self._route(params)

            def _route(self, params):
                params = {k: (v[-1] if isinstance(v, list) else v) for k, v in params.items()}
                parts = urlparse(self.path).path.strip("/").split("/")
                if len(parts) != 2 or not parts[0].startswith("bot"):
                    self._json(_error(404, "Not Found"))
                    return
                if parts[0][3:] != fake.token:
                    self._json(_error(401, "Unauthorized"))
                    return
                self._json(fake.handle(parts[1], params))

        return Handler


def _error(code: int, description: str, *, retry_after: int | None = None) -> dict:
    body = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body
