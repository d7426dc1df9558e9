"""A stand-in for the app behind a front, answering with the headers a test asks for.

``GET /any/path?tag=a&cc=public,+max-age=60&status=200&cookie=1&surrogate=600&delay=0.5``
answers ``status`` with ``Cache-Control: cc``, ``X-Cm-Layers: ,a,`` when ``tag`` is given,
a ``Set-Cookie`` when ``cookie`` is, ``Surrogate-Control: max-age=N`` when ``surrogate``
is, after ``delay`` seconds. The body is JSON: the how-manyth request of this path it is
(``n``) and the headers the stub received, so a test sees what the front sends the app.
"""

import json
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Stub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests = Counter()  # path -> requests received
        self.in_flight = Counter()  # path -> requests being answered now
        self.most_in_flight = defaultdict(int)  # path -> the most at once
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    do_PUT = do_PATCH = do_DELETE = do_POST

    def _answer(self) -> None:
        stub: Stub = self.server
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with stub.lock:
            stub.requests[self.path] += 1
            n = stub.requests[self.path]
            stub.in_flight[self.path] += 1
            stub.most_in_flight[self.path] = max(
                stub.most_in_flight[self.path], stub.in_flight[self.path]
            )
        try:
            time.sleep(float(query.get("delay", 0)))
        finally:
            with stub.lock:
                stub.in_flight[self.path] -= 1
        status = int(query.get("status", 200))
        body = json.dumps(
            {"n": n, "method": self.command, "headers": dict(self.headers.items())}
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", query.get("cc", "public, max-age=60"))
        if "tag" in query:
            self.send_header("X-Cm-Layers", f",{query['tag']},")
        if "tile" in query:
            self.send_header("X-Cm-Tile", query["tile"])
        if "cookie" in query:
            self.send_header("Set-Cookie", "csrftoken=abc; Path=/")
        if "surrogate" in query:
            self.send_header("Surrogate-Control", f"max-age={query['surrogate']}")
        if status == 204:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
