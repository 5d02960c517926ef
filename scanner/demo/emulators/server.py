"""What the fake servers share: the HTTP server on 127.0.0.1, a request handler base and a main().

A fake subclasses ``FakeServer`` (its state and answers) and ``FakeHandler`` (how a request becomes
an answer, in ``serve()``); the handler reaches its fake as ``self.fake``. Requests and crashes
go to the ``scanner.demo.emulators`` logger, never straight to the terminal.
"""

import argparse
import json
import logging
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

log = logging.getLogger("scanner.demo.emulators")


class FakeHandler(BaseHTTPRequestHandler):
    """Hands GET to ``serve()`` (a subclass adds ``do_POST = FakeHandler.do_GET`` to serve POST too)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    json_type = "application/json; charset=utf-8"

    @property
    def fake(self) -> "FakeServer":
        return self.server.fake

    def do_GET(self) -> None:
        self.serve()

    def serve(self) -> None:
        raise NotImplementedError

    def read_json(self) -> dict | None:
        """The JSON request body, or None without one."""
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        return json.loads(data) if data else None

    def send(self, status: int, headers: dict, data: bytes = b"") -> None:
        """One answer: ``headers`` in their order, then Content-Length unless placed, then ``data``."""
        self.send_response(status)
        for name, value in (headers | {"Content-Length": str(len(data))}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status: int, body, headers: dict | None = None) -> None:
        """A JSON answer: Content-Type and Content-Length first, then ``headers``."""
        data = json.dumps(body).encode()
        self.send(status, {"Content-Type": self.json_type, "Content-Length": str(len(data))} | (headers or {}), data)

    def log_message(self, format: str, *args) -> None:
        log.info("%s %s", type(self.server.fake).__name__, format % args)


class QuietServer(ThreadingHTTPServer):
    """Logs a crashed request instead of printing its traceback on stderr.

    Its listen backlog holds 128 connections (socketserver's default of 5 drops the sixth of many
    clients connecting at once, and a dropped connection waits a second for its retry)."""

    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        log.exception("%s: request from %s failed", type(self.fake).__name__, client_address)


class FakeServer:
    """A ThreadingHTTPServer on 127.0.0.1 (port 0 = a free one) with ``url``; start()/stop() or ``with``.

    With ``tls`` (a server-side SSL context) it speaks HTTPS and ``url`` starts with https://.
    """

    def __init__(self, handler: type[FakeHandler], port: int = 0, tls: ssl.SSLContext | None = None):
        self.server = QuietServer(("127.0.0.1", port), handler)
        self.server.fake = self
        if tls:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Self:
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(fakes: dict[str, FakeServer]) -> None:
    """Start the fakes, print ``label: url`` for each and serve until Ctrl-C."""
    for label, fake in fakes.items():
        print(f"{label}: {fake.start().url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for fake in fakes.values():
            fake.stop()


def serve_main(description: str, build: Callable[[dict, int], FakeServer], port: int = 0) -> None:
    """Standalone entry point: serve the estate JSON file named on the command line until Ctrl-C."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("estate", type=Path, help="estate JSON file")
    parser.add_argument("--port", type=int, default=port, help="port on 127.0.0.1 (0 = a free one)")
    args = parser.parse_args()
    serve({description: build(json.loads(args.estate.read_text(encoding="utf-8")), args.port)})
