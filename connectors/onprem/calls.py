"""The calls of the on-premises connector: one anonymous GET per configured URL (the manifest's ``calls``)."""

from connectors.base import Call

ANONYMOUS = "network access to the configured URLs (anonymous GET, no credentials)"
EXCHANGE = Call("onprem.exchange", "http:GetExchange", ANONYMOUS)
SHAREPOINT = Call("onprem.sharepoint", "http:GetSharePoint", ANONYMOUS)

CALLS = (EXCHANGE, SHAREPOINT)
