"""Fake on-premises Exchange and SharePoint servers that announce a build in their response headers.

Exchange: ``GET /owa/`` answers 302 to ``/owa/auth/logon.aspx`` and both answers carry
``X-OWA-Version`` (set ``owa_header_on_redirect=False`` to send it only on the logon page).
SharePoint: every path answers 401 with ``MicrosoftSharePointTeamServices: 16.0.0.<build>``.
A ``None`` version sends no header. Plain http on 127.0.0.1 (loopback is allowed without TLS), or
HTTPS with ``tls`` (a server-side SSL context, e.g. with a self-signed certificate).

Standalone: ``python -m scanner.demo.emulators.onprem --exchange 15.2.2562.17 --sharepoint 16.0.0.14326``
"""

import argparse
import ssl

from scanner.demo.emulators.server import FakeHandler, FakeServer, serve


class OnpremFake(FakeServer):
    def __init__(self, kind: str, version: str | None, owa_header_on_redirect: bool = True, port: int = 0,
                 tls: ssl.SSLContext | None = None):
        self.kind, self.version, self.on_redirect = kind, version, owa_header_on_redirect
        self.requests: list[str] = []
        super().__init__(OnpremHandler, port, tls)
        self.url += "/owa/" if kind == "exchange" else "/"

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


class OnpremHandler(FakeHandler):
    def serve(self) -> None:
        self.fake.requests.append(self.path)
        self.send(*self.fake.answer(self.path))


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve fake on-premises Exchange and SharePoint version headers")
    parser.add_argument("--exchange", default="15.2.2562.17")
    parser.add_argument("--sharepoint", default="16.0.0.14326")
    args = parser.parse_args()
    serve({"exchange": OnpremFake("exchange", args.exchange), "sharepoint": OnpremFake("sharepoint", args.sharepoint)})


if __name__ == "__main__":
    main()
