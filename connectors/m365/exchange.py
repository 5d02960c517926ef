"""Exchange: where each mail-enabled user's mailbox lives, and evidence of an Exchange hybrid deployment.

Mailbox location per mail-enabled user: ``GET /users/{id}/mailboxSettings`` answers 200 for an
Exchange Online mailbox and 404 ``MailboxNotEnabledForRESTAPI`` when there is none ("inactive,
soft-deleted, or hosted on-premise"). A 404 only says that Exchange Online hosts no mailbox: a
directory-synced user with an Exchange Online licence but no cloud mailbox is counted ``onprem``
(Exchange Online provisions no mailbox for a licensed user whose mailbox is on-premises); a synced
user without that licence, or a cloud-only user, is ``none`` (no evidence of a mailbox anywhere).
Neither is evidence of a hybrid deployment. The mailbox usage report adds item counts and storage.

Hybrid evidence: certificates on the Office 365 Exchange Online service principal (classic hybrid
OAuth), dedicated ``ExchangeServerApp-*`` apps, and, only when ``exchange_admin_api = true``,
Get-OrganizationRelationship / Get-OnPremisesOrganization / Get-IntraOrganizationConnector and the
hybrid mail-flow connectors (Get-InboundConnector / Get-OutboundConnector of ConnectorType
OnPremises, which the Hybrid Configuration Wizard creates) through
``POST {exchange_endpoint}/adminapi/beta/{tenant}/InvokeCommand``. Microsoft does NOT document
that endpoint (it is what the ExchangeOnlineManagement module uses); it may change without notice.
"""

import asyncio

import httpx
from kiota_abstractions.api_error import APIError
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.service_principals.service_principals_request_builder import ServicePrincipalsRequestBuilder

from connectors.base import json_safe
from connectors.m365 import calls
from connectors.m365.graph import as_int, error_code, yes
from connectors.m365.rows import M365Mailbox
from connectors.m365.tenant_scan import TenantScan, wire
from inventory.rows import Setting

EXO_APP_ID = "00000002-0000-0ff1-ce00-000000000000"
HYBRID_APP_PREFIX = "ExchangeServerApp-"
SP_FIELDS = ["id", "appId", "displayName", "keyCredentials"]
MAIL_FLOW = ("Get-InboundConnector", "Get-OutboundConnector")  # only those of ConnectorType OnPremises count
ONPREMISES = "OnPremises"


async def _probe(scan: TenantScan, user) -> tuple[str, str, str | None]:
    """(location, evidence, purpose) of one user's mailbox; raises on anything but 200/404."""
    client = scan.session.client
    try:
        settings = await scan.session.call(lambda: client.users.by_user_id(user.user_id).mailbox_settings.get())
    except APIError as exc:
        if exc.response_status_code != 404:
            raise
        evidence = f"mailboxSettings 404 {error_code(exc) or ''}".strip()
        if user.synced and not user.plan_exchange:
            return "none", f"{evidence}; synced, no Exchange Online licence", None
        return ("onprem" if user.synced else "none"), evidence, None
    purpose = getattr(settings.user_purpose, "value", settings.user_purpose) if settings else None
    return "cloud", "mailboxSettings 200", purpose


async def mailboxes(scan: TenantScan) -> None:
    report = await scan.run(calls.MAILBOX_USAGE,
                            scan.session.report("get_mailbox_usage_detail", scan.cfg.report_period))
    in_report = {(r.get("User Principal Name") or "").lower(): r for r in report or [] if not yes(r.get("Is Deleted"))}
    if scan.users is None:
        scan.failed(calls.MAILBOX_SETTINGS, "not run: the user list (GET /users) could not be read")
        return
    users = [u for u in scan.users if u.mail]
    probes = await scan.run_many(calls.MAILBOX_SETTINGS, [_probe(scan, u) for u in users], [u.user_id for u in users])
    seen = set()
    for user, probe in zip(users, probes, strict=True):
        usage = in_report.get(user.upn or "") or in_report.get(user.mail or "")
        seen.update(k for k in (user.upn, user.mail) if k)
        if probe is None:
            probe = ("cloud", "mailbox usage report", None) if usage else ("unknown", "mailboxSettings failed", None)
        _emit(scan, user.user_id, user.upn, user.mail, probe, usage, user.preferred_data_location)
    if not scan.tenant.report_names_concealed:
        for upn, usage in in_report.items():
            if upn and upn not in seen:
                _emit(scan, upn, upn, None, ("cloud", "mailbox usage report", None), usage, None)


def _emit(scan: TenantScan, uid, upn, mail, probe, usage, region) -> None:
    location, evidence, purpose = probe
    usage = usage or {}
    scan.emit(M365Mailbox(tenant_id=scan.tenant_id, uid=uid, upn=upn, mail=mail, location=location, evidence=evidence,
                          purpose=purpose, item_count=as_int(usage.get("Item Count")),
                          storage_used_bytes=as_int(usage.get("Storage Used (Byte)"))))
    if location == "cloud":
        scan.resource(uid, "m365.mailbox", mail or upn, region, calls.MAILBOX_SETTINGS.call,
                      {"userPrincipalName": upn, "mail": mail, "evidence": evidence, "usage": usage})


async def hybrid(scan: TenantScan) -> None:
    found = await scan.run(calls.SERVICE_PRINCIPALS, _service_principals(scan))
    if found is not None:
        exo_sp, apps = found
        scan.tenant.exo_sp_key_credentials = len(exo_sp.key_credentials or []) if exo_sp else 0
        scan.tenant.hybrid_apps = "; ".join(sorted(a.display_name for a in apps)) or None
        scan.emit(Setting(provider="m365", account_id=scan.tenant_id, key="exchange.hybrid.service_principals",
                          value=f"{scan.tenant.exo_sp_key_credentials} key credential(s); apps: {scan.tenant.hybrid_apps or 'none'}",
                          source_api=calls.SERVICE_PRINCIPALS.call,
                          raw=json_safe({"exchangeOnline": wire(exo_sp), "hybridApps": [wire(a) for a in apps]})))
    if scan.cfg.exchange_admin_api:
        await _exchange_admin(scan)


async def _service_principals(scan: TenantScan):
    builder = scan.session.client.service_principals
    params = ServicePrincipalsRequestBuilder.ServicePrincipalsRequestBuilderGetQueryParameters
    exo = await scan.session.all_pages(builder, RequestConfiguration(query_parameters=params(
        filter=f"appId eq '{EXO_APP_ID}'", select=SP_FIELDS)))
    apps = await scan.session.all_pages(builder, RequestConfiguration(query_parameters=params(
        filter=f"startswith(displayName,'{HYBRID_APP_PREFIX}')", select=SP_FIELDS)))
    return (exo[0] if exo else None), [a for a in apps if (a.display_name or "").startswith(HYBRID_APP_PREFIX)]


async def _exchange_admin(scan: TenantScan) -> None:
    endpoint = scan.cfg.exchange_endpoint
    fields = {"Get-OrganizationRelationship": "organization_relationships",
              "Get-OnPremisesOrganization": "onprem_organizations",
              "Get-IntraOrganizationConnector": "intra_org_connectors",
              "Get-InboundConnector": "onprem_inbound_connectors",
              "Get-OutboundConnector": "onprem_outbound_connectors"}
    connect, read = scan.session.context.timeouts
    async with httpx.AsyncClient(timeout=httpx.Timeout(read, connect=connect)) as http:
        for cmdlet, column in fields.items():
            call = calls.EXO_CALLS[cmdlet]
            items = await scan.run(call, scan.session.call(lambda c=cmdlet: _invoke(scan, http, endpoint, c)))
            if items is not None:
                count = len([i for i in items if cmdlet not in MAIL_FLOW or i.get("ConnectorType") == ONPREMISES])
                setattr(scan.tenant, column, count)
                scan.emit(Setting(provider="m365", account_id=scan.tenant_id, key=f"exchange.{cmdlet.lower()}",
                                  value=str(count), source_api=call.call, raw=json_safe(items)))


async def _invoke(scan: TenantScan, http: httpx.AsyncClient, endpoint: str, cmdlet: str) -> list:
    """One cmdlet through the undocumented EXO admin API, following @odata.nextLink."""
    credential = scan.session.credential
    token = await asyncio.to_thread(credential.get_token, f"{endpoint}/.default")
    headers = {"Authorization": f"Bearer {token.token}", "X-ResponseFormat": "json", "Prefer": "odata.maxpagesize=1000",
               "X-AnchorMailbox": f"UPN:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{scan.tenant_id}"}
    body = {"CmdletInput": {"CmdletName": cmdlet, "Parameters": {}}}
    url, items = f"{endpoint}/adminapi/beta/{scan.tenant_id}/InvokeCommand", []
    while url:
        response = await http.post(url, json=body, headers=headers)
        if response.status_code >= 400:
            raise APIError(f"{cmdlet}: {response.text[:300]}", response.status_code, dict(response.headers))
        data = response.json()
        items += data.get("value", [])
        url = data.get("@odata.nextLink")
    return items
