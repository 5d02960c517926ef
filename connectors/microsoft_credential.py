"""Build the Entra ID credential for a [[m365]] or [[azure]] table (app-only, read-only).

``build_credential`` returns a *synchronous* azure-core ``TokenCredential``. The Azure
management SDKs take it as is; msgraph-sdk's ``AzureIdentityAuthenticationProvider`` accepts a
sync credential too (it awaits ``get_token`` only when the result is awaitable), so the M365
connector uses the same object. Tokens are cached by azure-identity, so the short blocking call
inside the event loop happens about once an hour.

Secrets are never read from the config file: ``client_secret_env`` and ``token_env`` name
environment variables; ``certificate_path`` names a PEM (key + certificate) or PKCS#12 file.
"""

import base64
import json
import os
import time

from azure.core.credentials import AccessToken, TokenCredential
from azure.identity import CertificateCredential, ClientSecretCredential, DefaultAzureCredential

from connectors.config import MicrosoftCredential
from inventory.errors import UserError


class StaticTokenCredential:
    """A bearer token minted elsewhere (a pipeline), handed over in an environment variable."""

    def __init__(self, token: str):
        self._token = AccessToken(token, _expiry(token))

    def get_token(self, *scopes: str, **kwargs) -> AccessToken:
        return self._token

    def close(self) -> None:
        """Nothing to release (present for symmetry with azure-identity credentials)."""


def _expiry(token: str) -> int:
    """The JWT ``exp`` claim when the token is a readable JWT, else one hour from now."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return int(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return int(time.time()) + 3600


def _env(name: str, field: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise UserError("config.env_missing", name=name, field=field)
    return value


def build_credential(cfg: MicrosoftCredential) -> TokenCredential:
    """The credential that ``cfg.credential`` asks for. Raises UserError (one line) on a missing secret."""
    authority = {"authority": cfg.authority} if cfg.authority else {}
    if cfg.credential == "client_secret":
        secret = _env(cfg.client_secret_env, "client_secret_env")
        return ClientSecretCredential(cfg.tenant_id, cfg.client_id, secret, **authority)
    if cfg.credential == "certificate":
        if not os.path.isfile(cfg.certificate_path):
            raise UserError("config.certificate_missing", path=cfg.certificate_path)
        return CertificateCredential(cfg.tenant_id, cfg.client_id, certificate_path=cfg.certificate_path, **authority)
    if cfg.credential == "token":
        return StaticTokenCredential(_env(cfg.token_env, "token_env"))
    return DefaultAzureCredential(**authority)
