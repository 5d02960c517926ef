"""A msgraph-sdk client with the scanner's own throttling, paging and report handling.

* The SDK's retry handler is switched off (``max_retries=0``): it gives up on waits of 180 s or
  more, which Reports and SharePoint do ask for. :meth:`GraphSession.call` instead honours every
  ``Retry-After`` of a 429/503 for as long as the scan deadline allows.
* ``adapter.base_url`` is ``graph_endpoint + "/v1.0"`` without a trailing slash (the SDK default
  ends in ``/`` and yields ``//`` paths), and scopes are explicit (``graph_endpoint/.default``),
  so national clouds and local fakes work.
* Connect and read timeouts come from the scan context ([scan] options).
* At most ``concurrency = {graph = N}`` requests are in flight (default: ``max_workers``); per-team,
  per-channel and per-drive calls are gathered, so they fill those slots.
* Per-item calls can be read as Graph's JSON (:meth:`GraphSession.entity`, :meth:`GraphSession.all_json`)
  through the same request pipeline, but without the SDK's models: building one costs milliseconds
  of CPU (every entity runs the ~1,200 imports of ``Entity.get_field_deserializers``,
  msgraph-sdk-python issue 584), which hundreds of per-item answers multiply.
* Usage reports (a 302 to a CSV download, followed by the SDK) are fetched once per scan.
* An answer that is no answer (an empty body, a page without ``value``) raises
  :class:`InvalidAnswer`: the call is recorded as failed, never read as "nothing there".
"""

import asyncio
import csv
import io
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from kiota_abstractions.api_error import APIError
from kiota_authentication_azure.azure_identity_authentication_provider import AzureIdentityAuthenticationProvider
from kiota_http.middleware.options import RetryHandlerOption
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.graph_request_adapter import options as sdk_default_options
from msgraph_core import GraphClientFactory

from connectors.base import Call, ScanContext, attempt
from inventory.rows import Collection

THROTTLED = {429, 503}
DEFAULT_RETRY_AFTER = 10.0


class DeadlineReached(Exception):
    """The scan deadline passed before this call was answered."""


class InvalidAnswer(Exception):
    """A 2xx answer without the content Graph documents for it."""


def describe(exc: BaseException) -> str:
    """One line: HTTP status, Graph error code and message (never a token)."""
    if isinstance(exc, APIError):
        error = getattr(exc, "error", None)
        code = getattr(error, "code", None) or type(exc).__name__
        message = getattr(error, "message", None) or exc.message or ""
        return f"HTTP {exc.response_status_code} {code}: {message}".strip()
    return f"{type(exc).__name__}: {exc}"


def error_code(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "error", None), "code", None)


def retry_after(exc: APIError) -> float:
    headers = {k.lower(): v for k, v in (exc.response_headers or {}).items()}
    try:
        return max(0.0, float(headers.get("retry-after", DEFAULT_RETRY_AFTER)))
    except ValueError:
        return DEFAULT_RETRY_AFTER


class GraphSession:
    """One tenant's Graph client. Create it inside the event loop that uses it."""

    def __init__(self, graph_endpoint: str, credential, context: ScanContext, max_retry_wait: float | None = None):
        scopes = [f"{graph_endpoint}/.default"]
        auth = AzureIdentityAuthenticationProvider(credential, scopes=scopes)
        options = {**sdk_default_options, RetryHandlerOption.get_key(): RetryHandlerOption(max_retries=0)}
        http = httpx.AsyncClient(timeout=httpx.Timeout(context.timeouts[1], connect=context.timeouts[0]), http2=True)
        adapter = GraphRequestAdapter(auth, client=GraphClientFactory.create_with_default_middleware(client=http,
                                                                                                  options=options))
        adapter.base_url = f"{graph_endpoint}/v1.0"
        self.client = GraphServiceClient(request_adapter=adapter)
        self.credential = credential
        self.context = context
        self.max_retry_wait = max_retry_wait  # tests cap the wait; production waits what Graph asks
        self._slots = asyncio.Semaphore(context.limit("graph"))
        self._reports: dict[str, asyncio.Future] = {}

    async def call(self, request: Callable[[], Awaitable[Any]]) -> Any:
        """Run one request; on 429/503 wait Retry-After and try again until the scan deadline.

        No request starts after the deadline, and none runs past it."""
        while True:
            async with self._slots:
                if self.context.seconds_left() <= 0:
                    raise DeadlineReached("scan deadline reached before this call was sent")
                try:
                    answer = await asyncio.wait_for(request(), self.context.seconds_left())
                except TimeoutError as exc:
                    raise DeadlineReached("scan deadline reached while waiting for the answer") from exc
                except APIError as exc:
                    if exc.response_status_code not in THROTTLED:
                        raise
                    wait = retry_after(exc)
                    if wait >= self.context.seconds_left():
                        raise
                else:
                    if answer is None:
                        raise InvalidAnswer("empty answer (no body)")
                    return answer
            if self.max_retry_wait is not None:
                wait = min(wait, self.max_retry_wait)
            await asyncio.sleep(wait)

    async def all_pages(self, builder, config=None) -> list:
        """Every item of a collection, following absolute ``@odata.nextLink`` URLs."""
        page = valid(await self.call(lambda: builder.get(request_configuration=config)))
        items = list(page.value)
        while page.odata_next_link:
            link = page.odata_next_link
            page = valid(await self.call(lambda link=link: builder.with_url(link).get()))
            items += page.value
        return items

    async def entity(self, builder, config=None) -> dict:
        """One GET of a request builder as Graph's JSON object of one entity; an object without ``id`` is no
        answer (:class:`InvalidAnswer`), never an entity with nothing in it."""
        found = await self._json(builder, config)
        if "id" not in found:
            raise InvalidAnswer("answer has no 'id'")
        return found

    async def _json(self, builder, config=None) -> dict:
        """One GET of a request builder as Graph's JSON object (errors raised as by the SDK's own ``get``)."""
        answer = await self.call(lambda: self.client.request_adapter.send_primitive_async(
            builder.to_get_request_information(request_configuration=config), "bytes", {"XXX": ODataError}))
        try:
            found = json.loads(answer)
        except ValueError as exc:
            raise InvalidAnswer("answer is not JSON") from exc
        if not isinstance(found, dict):
            raise InvalidAnswer("answer is not a JSON object")
        return found

    async def all_json(self, builder, config=None) -> list[dict]:
        """:meth:`all_pages` as Graph's JSON objects."""
        page = valid_json(await self._json(builder, config))
        items = list(page["value"])
        while link := page.get("@odata.nextLink"):
            page = valid_json(await self._json(builder.with_url(link)))
            items += page["value"]
        return items

    def report(self, name: str, period: str) -> Awaitable[list[dict]]:
        """A usage report as CSV rows; fetched once per scan however often it is asked for."""
        if name not in self._reports:
            self._reports[name] = asyncio.ensure_future(self._download(name, period))
        return self._reports[name]

    async def _download(self, name: str, period: str) -> list[dict]:
        builder = getattr(self.client.reports, f"{name}_with_period")(period)
        raw = await self.call(builder.get)
        text = raw.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))


def valid(page):
    """A collection page that has its ``value`` list; else :class:`InvalidAnswer`."""
    if getattr(page, "value", None) is None:
        raise InvalidAnswer("answer has no 'value' list")
    return page


def valid_json(page: dict) -> dict:
    """A collection page as JSON that has its ``value`` list of objects; else :class:`InvalidAnswer`."""
    if not isinstance(page.get("value"), list) or not all(isinstance(item, dict) for item in page["value"]):
        raise InvalidAnswer("answer has no 'value' list")
    return page


async def attempt_async(awaitable: Awaitable[Any], call: Call, **fields) -> tuple[Any, Collection]:
    """:func:`connectors.base.attempt` for a coroutine: returns (value or None, Collection row)."""
    try:
        value = await awaitable
    except Exception as exc:
        failure = exc

        def fail():
            raise failure
        outcome = attempt(fail, call, describe_error=describe, **fields)
    else:
        outcome = attempt(lambda: value, call, **fields)
    return outcome.value, outcome.record


def as_int(value: Any) -> int | None:
    """A CSV or JSON number as int; None when empty or not a number."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def yes(value: Any) -> bool | None:
    """Report CSV booleans ('Yes'/'No', 'True'/'False')."""
    if value in (None, ""):
        return None
    return str(value).strip().lower() in ("yes", "true", "1")
