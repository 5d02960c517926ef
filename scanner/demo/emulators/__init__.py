"""Local emulators of the cloud APIs, speaking their documented wire formats on 127.0.0.1.

``graph`` (Microsoft Graph and the Exchange Online admin API), ``arm`` (Azure Resource Manager and
Resource Graph), ``cloudasset`` (Cloud Asset Inventory and Org Policy), ``onprem`` (on-premises
Exchange and SharePoint). The demo serves its estate with them; the tests drive the connectors
against them. AWS is emulated by moto server.
"""
