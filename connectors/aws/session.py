"""boto3 plumbing: one session, cached clients per account and region, calls made from their declarations.

Every client comes from the one boto3 session of the connector (so one botocore event
system sees every call, which the permission test uses); assumed-role credentials are
passed per client. Retries use botocore's ``standard`` mode (exponential backoff with
jitter on throttling and 5xx answers, a fixed attempt budget); ``adaptive`` mode adds
client-side rate limiting that is still marked experimental, so it is not used. botocore
ignores ``Retry-After``; its backoff is capped at 20 s per attempt. :meth:`Clients.retry_after`
runs before botocore's handler: a 429 or 503 that says ``Retry-After`` is retried after that wait
when it ends before the scan deadline (and attempts are left), and not retried at all when it does not.

Every answer is checked before it is believed (:func:`check_body`, :meth:`Clients.call`): a 2xx
body that is not the JSON object or XML document the protocol promises, or a page without the
result key (and paging field) the API documents, raises :class:`InvalidAnswer`, so the call is
recorded as failed instead of read as "nothing there". No request is sent after the scan
deadline (:class:`DeadlineReached`), and every request has the configured connect/read timeouts.
"""

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from xml.etree import ElementTree

import boto3
import botocore.session
import jmespath
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from connectors.aws.calls import client, operation
from connectors.aws.models import service_models
from connectors.base import Call

SERVICE_MODELS = service_models()  # shared by every session: botocore caches the parsed API models in it


class InvalidAnswer(Exception):
    """A 2xx answer that is not a valid answer of its operation (truncated, empty, HTML, no result key)."""


class DeadlineReached(Exception):
    """The scan deadline passed before this request was sent."""


JSON_PROTOCOLS = {"json", "rest-json"}


def body_members(operation_model) -> bool:
    """Whether the operation's answer has members in the body (so an empty body is no answer)."""
    shape = operation_model.output_shape
    return bool(shape) and any("location" not in member.serialization for member in shape.members.values())


def check_body(operation_model, response_dict: dict, **_) -> None:
    """botocore 'before-parse' hook: a 2xx body must be the JSON object or XML document the protocol promises."""
    if not 200 <= response_dict["status_code"] < 300 or not body_members(operation_model):
        return
    body, name = response_dict["body"], operation_model.name
    protocol = operation_model.service_model.resolved_protocol  # what botocore will parse the answer as
    if protocol in JSON_PROTOCOLS:
        try:
            valid = isinstance(json.loads(body or b"null"), dict)
        except ValueError:
            valid = False
    else:
        try:
            valid = ElementTree.fromstring(body).tag.rsplit("}", 1)[-1].lower() != "html"
        except Exception:  # defusedxml and expat raise several types for a body that is no XML
            valid = False
    if not valid:
        excerpt = " ".join(body[:80].decode("utf-8", "replace").split())
        raise InvalidAnswer(f"HTTP {response_dict['status_code']} answer of {name} is not a valid "
                            f"{'JSON' if protocol in JSON_PROTOCOLS else 'XML'} "
                            f"answer ({len(body)} bytes: {excerpt!r})")


def require(answer: dict, keys: tuple[str, ...], call: Call) -> dict:
    """``answer`` when it has every key in ``keys``; else :class:`InvalidAnswer`."""
    missing = [key for key in keys if key not in answer]
    if missing:
        raise InvalidAnswer(f"answer of {call.call} has no {', '.join(missing)}")
    return answer


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


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class Clients:
    """Builds boto3 clients once per (credentials, service, region); safe to use from many threads."""

    def __init__(self, session: boto3.Session, endpoint_url: str | None, max_attempts: int,
                 seconds_left: Callable[[], float], timeouts: tuple[float, float] = (10, 60), connections: int = 16):
        """``connections``: kept-alive connections per client, at least the most calls one client has in flight."""
        self.max_attempts = max_attempts
        self.session = session
        self.endpoint_url = endpoint_url
        self.config = Config(retries={"mode": "standard", "max_attempts": max_attempts},
                             connect_timeout=timeouts[0], read_timeout=timeouts[1], max_pool_connections=connections)
        self.seconds_left = seconds_left
        session.events.register("before-send", self._before_send)
        session.events.register("before-parse", check_body)
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
                boto = self.session.client(service, region_name=region, endpoint_url=self.endpoint_url,
                                           config=self.config, **extra)
                boto.meta.events.register_first(f"needs-retry.{boto.meta.service_model.service_id.hyphenize()}",
                                                self.retry_after)
                self._cache[key] = boto
            return self._cache[key]

    def retry_after(self, response, attempts: int, **_) -> float | bool | None:
        """botocore 'needs-retry' hook, before its standard handler: the wait a 429/503 asks for in ``Retry-After``
        when it ends before the scan deadline; False (no retry) when it does not; None (botocore decides) otherwise."""
        if response is None or response[0].status_code not in (429, 503) or attempts >= self.max_attempts:
            return None
        wait = retry_after_seconds(response[0].headers.get("Retry-After"))
        if wait is None:
            return None
        return wait if wait < self.seconds_left() else False

    def _before_send(self, request, **_) -> None:
        """botocore 'before-send' hook: no request (nor retry) after the scan deadline."""
        if self.seconds_left() <= 0:
            raise DeadlineReached("scan deadline reached before this call was sent")

    def call(self, call: Call, scope: Scope, region: str | None = None, expect: tuple[str, ...] = (),
             **params) -> dict:
        """One request; the answer without ResponseMetadata. ``expect``: keys the answer must have."""
        answer = getattr(self.get(client(call), scope, region), xform_name(operation(call)))(**params)
        answer.pop("ResponseMetadata", None)
        return require(answer, expect, call)

    def items(self, call: Call, scope: Scope, path: str, optional: bool = False, **params) -> list:
        """Every item at JMESPath ``path`` over all pages (or the single answer when not paginated).

        Each page must have the path's first key and the paging field the API documents
        (``optional``: the API leaves the result key out when there is nothing, like SQS ListQueues).
        """
        boto = self.get(client(call), scope)
        method = xform_name(operation(call))
        expect = () if optional else (re.match(r"\w+", path).group(0),)
        if not boto.can_paginate(method):
            return jmespath.search(path, self.call(call, scope, expect=expect, **params)) or []
        more = boto.get_paginator(method)._pagination_cfg.get("more_results")  # e.g. KMS 'Truncated'
        expect += (more,) if more else ()
        return [item for page in boto.get_paginator(method).paginate(**params)
                for item in jmespath.search(path, require(page, expect, call)) or [] if item is not None]
