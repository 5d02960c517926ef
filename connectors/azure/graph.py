"""Azure Resource Graph queries: every page, in subscription batches, within the user quota.

Resource Graph returns at most 1000 rows per answer and pages may be shorter than ``$top``,
so the loop follows ``$skipToken`` until it is absent. Queries project ``id`` and order by it,
which keeps paging stable. Every answer carries ``x-ms-user-quota-remaining`` and
``x-ms-user-quota-resets-after`` (hh:mm:ss); when the quota is used up the next query waits for
the window to reset. Real Resource Graph silently leaves out subscriptions the caller cannot
read: per-subscription ARM calls are what reveal a 403.
"""

import time
from collections.abc import Callable, Iterator

from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

BATCH_SIZE = 250  # Microsoft recommends fewer than 300 subscriptions per query
PAGE_SIZE = 1000  # the documented maximum of $top
RESOURCES = ("Resources | project id, name, type, location, tags, kind, sku, properties, subscriptionId, "
             "resourceGroup, zones | order by id asc")
CONTAINERS = ("ResourceContainers | project id, name, type, location, tags, properties, subscriptionId, "
              "resourceGroup | order by id asc")


def batches(items: list[str], size: int = BATCH_SIZE) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def seconds(hms: str) -> float:
    """``hh:mm:ss`` (as in x-ms-user-quota-resets-after) in seconds."""
    hours, minutes, secs = (float(part) for part in hms.split(":"))
    return hours * 3600 + minutes * 60 + secs


class ResourceGraph:
    """Runs queries one after another and keeps to the quota the service reports."""

    def __init__(self, client: ResourceGraphClient, call_options: dict, seconds_left: Callable[[], float]):
        self.client = client
        self.call_options = call_options
        self.seconds_left = seconds_left
        self.resume_at = 0.0

    def query(self, query: str, subscriptions: list[str]) -> list[dict]:
        """Every row of ``query`` over ``subscriptions`` (one batch), following $skipToken."""
        rows: list[dict] = []
        skip_token = None
        while True:
            self._wait_for_quota()
            request = QueryRequest(subscriptions=subscriptions, query=query,
                                   options=QueryRequestOptions(top=PAGE_SIZE, skip_token=skip_token,
                                                               result_format="objectArray"))
            answer, headers = self.client.resources(
                request, cls=lambda pipeline, data, _: (data, pipeline.http_response.headers), **self.call_options)
            self._note_quota(headers)
            if not isinstance(getattr(answer, "data", None), list):  # an empty or foreign body is no answer, never "no resources"
                raise ValueError("Resource Graph answer has no 'data' list")
            rows.extend(answer.data)
            skip_token = answer.skip_token
            if not skip_token:
                return rows

    def _note_quota(self, headers) -> None:
        remaining, resets_after = headers.get("x-ms-user-quota-remaining"), headers.get("x-ms-user-quota-resets-after")
        if remaining is not None and int(remaining) <= 0 and resets_after:
            self.resume_at = time.monotonic() + seconds(resets_after)

    def _wait_for_quota(self) -> None:
        delay = self.resume_at - time.monotonic()
        if delay <= 0:
            return
        if delay > self.seconds_left():
            raise TimeoutError(f"Resource Graph quota resets in {delay:.0f} s, after the scan deadline")
        time.sleep(delay)
