"""Fake on-premises Exchange and SharePoint servers that announce a build in their response headers.

Exchange: ``GET /owa/`` answers 302 to ``/owa/auth/logon.aspx`` and both answers carry
``X-OWA-Version`` (set ``owa_header_on_redirect=False`` to send it only on the logon page).
SharePoint: every path answers 401 with ``MicrosoftSharePointTeamServices: 16.0.0.<build>``.
A ``None`` version sends no header. Plain http on 127.0.0.1 (loopback is allowed without TLS).

Standalone: ``python tests/fakes/onprem.py --exchange 15.2.2562.17 --sharepoint 16.0.0.14326``
"""

import argparse
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OnpremFake:
    def __init__(self, kind: str, version: str | None, owa_header_on_redirect: bool = True, port: int = 0):
        self.kind, self.version, self.on_redirect = kind, version, owa_header_on_redirect
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{base}/owa/" if kind == "exchange" else f"{base}/"

    def start(self) -> "OnpremFake":
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    __enter__ = start

    def __exit__(self, *exc) -> None:
        self.stop()

    def answer(self, path: str) -> tuple[int, dict]:
        if self.kind == "sharepoint":
            return 401, {"WWW-Authenticate": "NTLM"} | self._version("MicrosoftSharePointTeamServices")
        if path.startswith("/owa/auth/logon.aspx"):
            return 200, self._version("X-OWA-Version")
        if path.startswith("/owa"):
            location = {"Location": "/owa/auth/logon.aspx?replaceCurrent=1&url=%2fowa%2f"}
            return 302, location | (self._version("X-OWA-Version") if self.on_redirect else {})
        return 404, {}

    def _version(self, name: str) -> dict:
        return {name: self.version} if self.version else {}


def _handler(fake: OnpremFake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            fake.requests.append(self.path)
            status, headers = fake.answer(self.path)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve fake on-premises Exchange and SharePoint version headers")
    parser.add_argument("--exchange", default="15.2.2562.17")
    parser.add_argument("--sharepoint", default="16.0.0.14326")
    args = parser.parse_args()
    fakes = [OnpremFake("exchange", args.exchange).start(), OnpremFake("sharepoint", args.sharepoint).start()]
    for fake in fakes:
        print(f"{fake.kind}: {fake.url}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
