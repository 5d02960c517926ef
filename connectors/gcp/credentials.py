"""Build the Google credential a [[gcp]] table asks for. Secrets never come from the config file."""

import os

import google.auth
from google.auth.credentials import Credentials
from google.auth.exceptions import DefaultCredentialsError
from google.oauth2 import credentials as oauth2_credentials
from google.oauth2 import service_account

from connectors.gcp.config import GcpConfig
from inventory.errors import UserError

# Cloud Asset and Org Policy accept only the cloud-platform scope; read-only access comes from
# the IAM roles granted (see connectors/gcp/README), not from the OAuth scope.
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


def build_credentials(cfg: GcpConfig) -> Credentials:
    """The credential for ``cfg.credential``. Raises UserError (one line) when it cannot be built."""
    where = f"[[gcp]] {cfg.name}"
    if cfg.credential == "token":
        token = os.environ.get(cfg.token_env or "")
        if not token:
            raise UserError("config.gcp_env_missing", where=where, name=cfg.token_env)
        return oauth2_credentials.Credentials(token=token)
    if cfg.credential == "service_account_file":
        try:
            return service_account.Credentials.from_service_account_file(cfg.service_account_file, scopes=SCOPES)
        except FileNotFoundError:
            raise UserError("config.gcp_key_missing", where=where, path=cfg.service_account_file) from None
        except (ValueError, KeyError) as exc:
            raise UserError("config.gcp_key_invalid", where=where, reason=exc) from None
    try:
        credentials, _ = google.auth.default(scopes=SCOPES)
    except DefaultCredentialsError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError("config.gcp_default", where=where, reason=first_line) from None
    return credentials
