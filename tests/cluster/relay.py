"""The root namespace's side of the cluster test, on one asyncio loop in a thread of the
test process: TCP forwarders from the service address to PostgreSQL and Redis (which
listen on 127.0.0.1 only), and an SMTP sink that keeps every message it is given."""

from __future__ import annotations

import asyncio
import email
import threading
from email.message import Message


class Loop:
    """An asyncio loop in a daemon thread; `run(coro)` runs a coroutine on it."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.servers: list[asyncio.AbstractServer] = []

    def run(self, coro, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def serve(self, handler, host: str, port: int = 0) -> int:
        """Listen on host:port (0: any free port); returns the port."""

        async def start():
            server = await asyncio.start_server(handler, host, port)
            self.servers.append(server)
            return server.sockets[0].getsockname()[1]

        return self.run(start())

    def stop(self) -> None:
        async def close():
            for server in self.servers:
                server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        try:
            self.run(close())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


def forwarder(target_host: str, target_port: int):
    """A handler that joins each connection to target_host:target_port, both ways."""

    async def handle(reader, writer):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(target_host, target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    return handle


class SmtpSink:
    """Enough of SMTP (RFC 5321) for Django's smtplib backend: EHLO/HELO, MAIL, RCPT, DATA,
    RSET, NOOP, QUIT. Every accepted message is kept, parsed, with its envelope recipients."""

    def __init__(self):
        self.messages: list[tuple[list[str], Message]] = []
        self.lock = threading.Lock()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def reply(line: str):
            writer.write(line.encode() + b"\r\n")

        recipients: list[str] = []
        reply("220 sink ESMTP")
        try:
            while line := await reader.readline():
                verb = line.decode("utf-8", "replace").strip()
                upper = verb.upper()
                if upper.startswith("EHLO"):
                    writer.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                elif upper.startswith("HELO") or upper.startswith("NOOP"):
                    reply("250 OK")
                elif upper.startswith("MAIL FROM"):
                    recipients = []
                    reply("250 OK")
                elif upper.startswith("RCPT TO"):
                    recipients.append(verb.split(":", 1)[1].strip().strip("<>").split(">")[0])
                    reply("250 OK")
                elif upper == "DATA":
                    reply("354 end with <CRLF>.<CRLF>")
                    await writer.drain()
                    lines = []
                    while (chunk := await reader.readline()) not in (b".\r\n", b".\n", b""):
                        lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                    with self.lock:
                        self.messages.append((recipients, email.message_from_bytes(b"".join(lines))))
                    recipients = []
                    reply("250 OK queued")
                elif upper == "RSET":
                    recipients = []
                    reply("250 OK")
                elif upper == "QUIT":
                    reply("221 bye")
                    await writer.drain()
                    break
                else:
                    reply("502 not implemented")
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    def received(self) -> list[tuple[list[str], Message]]:
        with self.lock:
            return list(self.messages)


def body_text(message: Message) -> str:
    """The decoded text of a message, all its text parts together."""
    parts = message.walk() if message.is_multipart() else [message]
    text = []
    for part in parts:
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True) or b""
            text.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(text)
