"""The Azure SDK clients of one [[azure]] table, every one pointed at ``arm_endpoint``.

The token scope follows the endpoint (``<arm_endpoint>/.default``), so sovereign clouds work
with their own ARM host. For a plain-http loopback endpoint (a local emulator; the config
refuses plain http anywhere else) azure-core's https-only bearer check is lifted: per call
through a per-call policy, and for ``SecurityCenter`` (which ignores ``per_call_policies``)
through the ``enforce_https=False`` call option in :attr:`AzureClients.call_options`.
"""

from urllib.parse import urlsplit

from azure.core.credentials import TokenCredential
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.resource.policy import PolicyClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.security import SecurityCenter

from connectors.base import is_loopback


class AllowLoopbackHttp(SansIOHTTPPolicy):
    """Let the bearer token travel over plain http; only ever installed for a loopback endpoint."""

    def on_request(self, request):
        request.context["enforce_https"] = False


class AzureClients:
    """Factory for the SDK clients, sharing one credential and one set of pipeline options."""

    def __init__(self, arm_endpoint: str, credential: TokenCredential, **pipeline_options):
        parts = urlsplit(arm_endpoint)
        self.loopback_http = parts.scheme == "http" and is_loopback(parts.hostname or "")
        self.credential = credential
        self.options = {"base_url": arm_endpoint, "credential_scopes": [f"{arm_endpoint}/.default"], **pipeline_options}
        if self.loopback_http:
            self.options["per_call_policies"] = [AllowLoopbackHttp()]
        self.call_options = {"enforce_https": False} if self.loopback_http else {}

    def subscriptions(self) -> SubscriptionClient:
        return SubscriptionClient(self.credential, **self.options)

    def graph(self) -> ResourceGraphClient:
        return ResourceGraphClient(self.credential, **self.options)

    def resources(self, subscription_id: str) -> ResourceManagementClient:
        return ResourceManagementClient(self.credential, subscription_id, **self.options)

    def policy(self, subscription_id: str) -> PolicyClient:
        return PolicyClient(self.credential, subscription_id, **self.options)

    def security(self, subscription_id: str) -> SecurityCenter:
        return SecurityCenter(self.credential, subscription_id, **self.options)


def describe_error(exc: BaseException) -> str:
    """One line: HTTP status and ARM error code and message (``{"error": {"code", "message"}}``)."""
    if isinstance(exc, HttpResponseError):
        error = getattr(exc, "error", None)
        code = getattr(error, "code", None) or type(exc).__name__
        message = getattr(error, "message", None) or exc.reason or str(exc)
        return f"HTTP {exc.status_code} {code}: {message}".replace("\n", " ")
    return f"{type(exc).__name__}: {exc}".replace("\n", " ")
