"""On-premises connector: read the build that Exchange (OWA) and SharePoint announce in a response header.

No credentials: an anonymous GET is enough. Exchange OWA usually answers 302 to its logon page
and carries ``X-OWA-Version`` on the redirect too, so redirects are followed one hop at a time
(same host only) and the header is read from every answer. SharePoint usually answers 401 and
still carries ``MicrosoftSharePointTeamServices``: the header is read whatever the status.
TLS certificates are verified (``verify_tls``, optional ``ca_bundle``); plain http only for loopback.
"""

import ssl
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

import httpx

from connectors.base import ScanContext, attempt, check_endpoint
from connectors.onprem.builds import identify
from connectors.onprem.calls import EXCHANGE, SHAREPOINT
from connectors.onprem.config import OnpremConfig
from connectors.onprem.rows import OnpremEndpoint
from inventory.rows import Account, Row

HEADERS = {"exchange": "X-OWA-Version", "sharepoint": "MicrosoftSharePointTeamServices"}
CALLS = {"exchange": EXCHANGE, "sharepoint": SHAREPOINT}
MAX_HOPS = 3


class OnpremConnector:
    provider = "onprem"

    def __init__(self, config: OnpremConfig, context: ScanContext):
        self.cfg, self.context = config, context

    def collect(self) -> Iterator[Row]:
        """Probe the endpoints ``max_workers`` at a time; rows come in the configured order."""
        verify = ssl.create_default_context(cafile=self.cfg.ca_bundle) if self.cfg.ca_bundle else self.cfg.verify_tls
        targets = [(kind, url) for kind, urls in (("exchange", self.cfg.exchange_urls), ("sharepoint", self.cfg.sharepoint_urls))
                   for url in urls]
        with (httpx.Client(verify=verify, timeout=self.cfg.timeout_seconds, follow_redirects=False) as http,
              ThreadPoolExecutor(max_workers=self.context.max_workers) as pool):
            for rows in pool.map(lambda target: self._endpoint(http, *target), targets):
                yield from rows

    def _endpoint(self, http: httpx.Client, kind: str, url: str) -> list[Row]:
        outcome = attempt(lambda: probe(http, kind, url, self._timeout()), CALLS[kind], provider="onprem",
                          estate=self.cfg.name, account_id=url, count=lambda _: 1)
        status, header = outcome.value or (None, None)
        account = Account(provider="onprem", account_id=url, name=urlsplit(url).hostname, kind="onprem-endpoint",
                          estate=self.cfg.name, raw={"status": status, HEADERS[kind]: header, "reachable": outcome.ok})
        if not outcome.ok:
            return [outcome.record, account]
        build, product = identify(kind, header)
        return [outcome.record, account, OnpremEndpoint(
            url=url, kind=kind, status_code=status, header=header, build=build,
            product=product.product if product else None, version=product.version if product else None,
            end_of_support=product.end_of_support if product else None)]


    def _timeout(self) -> float:
        """The configured timeout, cut to what is left of the scan; past the deadline no probe starts."""
        left = self.context.seconds_left()
        if left <= 0:
            raise TimeoutError("not probed: the scan deadline has passed")
        return min(self.cfg.timeout_seconds, left)


def probe(http: httpx.Client, kind: str, url: str, timeout: float) -> tuple[int, str | None]:
    """(status, version header) of the first answer carrying the header, following same-host redirects.

    An answer without the header that is 429 or 5xx is no answer (the server was throttling or broken): it raises."""
    check_endpoint(url)  # https, or http on loopback only; the URL itself is used as configured
    name, host = HEADERS[kind], urlsplit(url).netloc
    for _ in range(MAX_HOPS):
        response = http.get(url, timeout=timeout)
        if response.headers.get(name):
            return response.status_code, response.headers[name]
        if response.status_code == 429 or response.status_code >= 500:
            raise httpx.HTTPStatusError(f"HTTP {response.status_code} without {name}", request=response.request,
                                        response=response)
        location = response.headers.get("Location")
        if not (response.is_redirect and location) or urlsplit(urljoin(url, location)).netloc != host:
            return response.status_code, None
        url = urljoin(url, location)
    return response.status_code, None
