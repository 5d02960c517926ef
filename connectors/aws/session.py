"""boto3 plumbing: one session, cached clients per account and region, calls made from their declarations.

Every client comes from the one boto3 session of the connector (so one botocore event
system sees every call, which the permission test uses); assumed-role credentials are
passed per client. Retries use botocore's ``standard`` mode (exponential backoff with
jitter on throttling and 5xx answers, a fixed attempt budget); ``adaptive`` mode adds
client-side rate limiting that is still marked experimental, so it is not used.
"""

import re
import threading
from dataclasses import dataclass, replace
from typing import Any

import boto3
import botocore.session
import jmespath
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.loaders import create_loader

from connectors.aws.calls import client, operation
from connectors.base import Call

SERVICE_MODELS = create_loader()  # shared by every session: botocore caches the parsed API models in it


def new_session(profile: str | None) -> boto3.Session:
    """A boto3 session on the standard credential chain (profile, environment, SSO, instance role ...)."""
    core = botocore.session.Session(profile=profile)
    core.register_component("data_loader", SERVICE_MODELS)
    return boto3.Session(botocore_session=core)


@dataclass(frozen=True)
class Credentials:
    """Temporary credentials from sts:AssumeRole (never logged, never stored)."""

    access_key: str
    secret_key: str
    token: str

    def __repr__(self) -> str:
        return "Credentials(<redacted>)"


@dataclass(frozen=True)
class Scope:
    """Where calls go: one account (its credentials; None = the session's own chain) and a region."""

    account_id: str
    partition: str
    credentials: Credentials | None = None
    region: str | None = None

    def at(self, region: str) -> "Scope":
        return replace(self, region=region)


XML_ERROR = re.compile(r"<Code>([^<]+)</Code>\s*<Message>([^<]*)</Message>")
HTML_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def error_code(exc: BaseException) -> str | None:
    return describe_error(exc).split(":", 1)[0] if isinstance(exc, ClientError) else None


def describe_error(exc: BaseException) -> str:
    """AWS error code and message, e.g. ``AccessDeniedException: User ... is not authorized``.

    An error body botocore could not parse (an XML error for a JSON API, e.g. from a proxy or an
    emulator) leaves only the HTTP status as code; the code and message are then taken from the XML.
    """
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code")), str(error.get("Message") or exc)
        if code.isdigit() and (xml := XML_ERROR.search(message)):
            code, message = xml.group(1), f"{xml.group(2)} (HTTP {code})"
        elif code.isdigit() and (page := HTML_TITLE.search(message)):  # an HTML error page
            message = page.group(1)
        return " ".join(f"{code}: {message}".split())
    return " ".join(f"{type(exc).__name__}: {exc}".split())


class Clients:
    """Builds boto3 clients once per (credentials, service, region); safe to use from many threads."""

    def __init__(self, session: boto3.Session, endpoint_url: str | None, max_attempts: int):
        self.session = session
        self.endpoint_url = endpoint_url
        self.config = Config(retries={"mode": "standard", "max_attempts": max_attempts},
                             connect_timeout=10, read_timeout=60, max_pool_connections=16)
        self._cache: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    def get(self, service: str, scope: Scope, region: str | None = None) -> Any:
        region = region or scope.region
        creds = scope.credentials
        key = (creds.access_key if creds else None, service, region)
        with self._lock:  # botocore sessions are not thread-safe while creating clients
            if key not in self._cache:
                extra = ({"aws_access_key_id": creds.access_key, "aws_secret_access_key": creds.secret_key,
                          "aws_session_token": creds.token} if creds else {})
                self._cache[key] = self.session.client(service, region_name=region, endpoint_url=self.endpoint_url,
                                                       config=self.config, **extra)
            return self._cache[key]

    def call(self, call: Call, scope: Scope, region: str | None = None, **params) -> dict:
        """One request; the answer without ResponseMetadata."""
        answer = getattr(self.get(client(call), scope, region), xform_name(operation(call)))(**params)
        answer.pop("ResponseMetadata", None)
        return answer

    def items(self, call: Call, scope: Scope, path: str, **params) -> list:
        """Every item at JMESPath ``path`` over all pages (or the single answer when not paginated)."""
        boto = self.get(client(call), scope)
        method = xform_name(operation(call))
        if boto.can_paginate(method):
            return [item for item in boto.get_paginator(method).paginate(**params).search(path) if item is not None]
        return jmespath.search(path, self.call(call, scope, **params)) or []
