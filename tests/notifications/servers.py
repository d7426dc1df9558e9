"""Real local servers the notifications are delivered to: an HTTP receiver (webhooks and
Web Push) that records every request and answers with the statuses it is told, and an
SMTP server (aiosmtpd) that keeps every message."""

import logging
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from requests.structures import CaseInsensitiveDict

logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Received:
    """One request as the receiver saw it, and the status it answered."""

    path: str
    headers: dict
    body: bytes
    status: int


@dataclass
class HttpReceiver:
    """An HTTP server on 127.0.0.1 answering POSTs with ``statuses`` in turn (then 201)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> "HttpReceiver":
        """Serve in a thread; ``url`` is where."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 201
                    receiver.requests.append(
                        Received(self.path, CaseInsensitiveDict(self.headers.items()), body, status)
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        """The receiver's base URL."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def delivered(self) -> dict[str, int]:
        """Delivery id → how many 2xx answers it got."""
        counts: dict[str, int] = {}
        with self.lock:
            for request in self.requests:
                if 200 <= request.status < 300:
                    key = request.headers.get("X-CommonMap-Delivery", "")
                    counts[key] = counts.get(key, 0) + 1
        return counts


class _Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 and a free port; ``messages`` holds (recipients, message)."""

    def start(self) -> "SmtpServer":
        """Serve in aiosmtpd's thread."""
        self.inbox = _Inbox()
        with socket.socket() as probe:  # aiosmtpd needs a port it can connect to
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    @property
    def messages(self) -> list:
        """What it received."""
        return self.inbox.messages

    def stop(self) -> None:
        """Stop serving."""
        self.controller.stop()
