"""Every GCP call group the connector makes, with its area and IAM permission (the manifest's ``calls``).

Cloud Asset's SearchAllResources answers three areas (projects, resources, the Security Command
Center service); every Cloud Asset call also needs :data:`QUOTA_PERMISSION` on the quota project.
"""

from connectors.base import Call

SEARCH, LIST, POLICY = "cloudasset:SearchAllResources", "cloudasset:ListAssets", "orgpolicy:GetEffectivePolicy"
SEARCH_PERMISSION = "cloudasset.assets.searchAllResources"

SEARCH_PROJECTS = Call("accounts", SEARCH, SEARCH_PERMISSION)
SEARCH_RESOURCES = Call("inventory", SEARCH, SEARCH_PERMISSION)
LIST_ASSETS = Call("inventory", LIST, "cloudasset.assets.listResource")
LOCATION_POLICY = Call("gcp.orgpolicy", POLICY, "orgpolicy.policy.get")
SEARCH_SERVICES = Call("security_services", SEARCH, SEARCH_PERMISSION)
QUOTA_PERMISSION = "serviceusage.services.use"

CALLS = (SEARCH_PROJECTS, SEARCH_RESOURCES, LIST_ASSETS, LOCATION_POLICY, SEARCH_SERVICES)
