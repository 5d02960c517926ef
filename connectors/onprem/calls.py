"""The calls of the on-premises connector: one anonymous GET per configured URL (the manifest's ``calls``)."""

from connectors.base import Call

ANONYMOUS = "none: anonymous HTTPS GET of the configured URLs"
EXCHANGE = Call("onprem.exchange", "http:GetExchange", ANONYMOUS)
SHAREPOINT = Call("onprem.sharepoint", "http:GetSharePoint", ANONYMOUS)

CALLS = (EXCHANGE, SHAREPOINT)
