"""The Azure SDK clients of one [[azure]] table, every one pointed at ``arm_endpoint``.

The token scope follows the endpoint (``<arm_endpoint>/.default``), so sovereign clouds work
with their own ARM host. For a plain-http loopback endpoint (a local emulator; the config
refuses plain http anywhere else) azure-core's https-only bearer check is lifted: per call
through a per-call policy, and for ``SecurityCenter`` (which ignores ``per_call_policies``)
through the ``enforce_https=False`` call option in :attr:`AzureClients.call_options`.

Every request has the scan's connect and read timeouts, and :class:`DeadlineRetryPolicy` retries
(honouring ``Retry-After``) only while the wait ends before the scan deadline. Every page of an ARM
list must carry its ``value`` list (:func:`check_list_page`): the SDK reads a page without one as
"no items", the connector records it as a failed call.
"""

import json
from collections.abc import Callable
from urllib.parse import urlsplit

from azure.core.credentials import TokenCredential
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.policies import RetryPolicy, SansIOHTTPPolicy
from azure.mgmt.resource.policy import PolicyClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.security import SecurityCenter

from connectors.base import is_loopback


class InvalidAnswer(Exception):
    """A 2xx answer that is not what the API documents (e.g. a list page without ``value``)."""


def is_list(path: str) -> bool:
    """An ARM list: the path ends at a collection (``/subscriptions``, ``.../resources``,
    ``.../providers/Microsoft.Security/pricings``), not at a named resource (``.../servers/s/encryptionProtector/current``)."""
    parts = [p for p in path.split("/") if p]
    lowered = [p.lower() for p in parts]
    if "providers" in lowered:  # after /providers/<namespace>: type/name pairs
        parts = parts[len(lowered) - lowered[::-1].index("providers") + 1:]
    return len(parts) % 2 == 1


def check_list_page(response) -> None:
    """azure-core response hook: a 2xx page of an ARM list GET without its ``value`` list raises :class:`InvalidAnswer`."""
    request, answer = response.http_request, response.http_response
    if request.method != "GET" or not 200 <= answer.status_code < 300 or not is_list(urlsplit(request.url).path):
        return
    try:
        page = json.loads(answer.text() or "null")
    except ValueError:
        page = None
    if not isinstance(page, dict) or not isinstance(page.get("value"), list):
        raise InvalidAnswer(f"HTTP {answer.status_code} page of {urlsplit(request.url).path} has no 'value' list")


class AllowLoopbackHttp(SansIOHTTPPolicy):
    """Let the bearer token travel over plain http; only ever installed for a loopback endpoint."""

    def on_request(self, request):
        request.context["enforce_https"] = False


class DeadlineRetryPolicy(RetryPolicy):
    """azure-core's retry policy, but no retry whose wait (Retry-After or backoff) outlasts the scan deadline."""

    def __init__(self, seconds_left: Callable[[], float], **kwargs):
        super().__init__(**kwargs)
        self.seconds_left = seconds_left

    def is_retry(self, settings, response) -> bool:
        wait = self.get_retry_after(response) or self.get_backoff_time(settings)
        return super().is_retry(settings, response) and wait < self.seconds_left()

    def increment(self, settings, response=None, error=None) -> bool:
        return super().increment(settings, response=response, error=error) and self.seconds_left() > 0


class AzureClients:
    """Factory for the SDK clients, sharing one credential and one set of pipeline options."""

    def __init__(self, arm_endpoint: str, credential: TokenCredential, seconds_left: Callable[[], float] = lambda: 3600,
                 timeouts: tuple[float, float] = (10, 60), **pipeline_options):
        parts = urlsplit(arm_endpoint)
        self.loopback_http = parts.scheme == "http" and is_loopback(parts.hostname or "")
        self.credential = credential
        self.seconds_left = seconds_left
        self.retry = {k: v for k, v in pipeline_options.items() if k.startswith("retry_")}
        self.options = {"base_url": arm_endpoint, "credential_scopes": [f"{arm_endpoint}/.default"],
                        "connection_timeout": timeouts[0], "read_timeout": timeouts[1],
                        "raw_response_hook": check_list_page, **pipeline_options}
        if self.loopback_http:
            self.options["per_call_policies"] = [AllowLoopbackHttp()]
        self.call_options = {"enforce_https": False} if self.loopback_http else {}

    def _options(self) -> dict:
        """The client options with a retry policy of its own (a policy instance belongs to one pipeline)."""
        return self.options | {"retry_policy": DeadlineRetryPolicy(self.seconds_left, **self.retry)}

    def subscriptions(self) -> SubscriptionClient:
        return SubscriptionClient(self.credential, **self._options())

    def graph(self) -> ResourceGraphClient:
        return ResourceGraphClient(self.credential, **self._options())

    def resources(self, subscription_id: str) -> ResourceManagementClient:
        return ResourceManagementClient(self.credential, subscription_id, **self._options())

    def policy(self, subscription_id: str) -> PolicyClient:
        return PolicyClient(self.credential, subscription_id, **self._options())

    def security(self, subscription_id: str) -> SecurityCenter:
        return SecurityCenter(self.credential, subscription_id, **self._options())


def describe_error(exc: BaseException) -> str:
    """One line: HTTP status and ARM error code and message (``{"error": {"code", "message"}}``)."""
    if isinstance(exc, HttpResponseError):
        error = getattr(exc, "error", None)
        code = getattr(error, "code", None) or type(exc).__name__
        message = getattr(error, "message", None) or exc.reason or str(exc)
        return f"HTTP {exc.status_code} {code}: {message}".replace("\n", " ")
    return f"{type(exc).__name__}: {exc}".replace("\n", " ")
