"""Every Azure call group the connector makes, with its area and RBAC action (the manifest's ``calls``).

Every action is in the built-in Reader role. Resource Graph answers several areas with one query.
"""

from connectors.base import Call

LIST_SUBSCRIPTIONS = Call("accounts", "resources:ListSubscriptions", "Microsoft.Resources/subscriptions/read")
QUERY_INVENTORY = Call("inventory", "resourcegraph:Resources", "Microsoft.ResourceGraph/resources/read")
QUERY_SECURITY = Call("security_services", "resourcegraph:Resources", "Microsoft.ResourceGraph/resources/read")
LIST_RESOURCES = Call("inventory", "resources:ListResources", "Microsoft.Resources/subscriptions/resources/read")
READ_TDE = Call("inventory", "sql:GetTransparentDataEncryption", "Microsoft.Sql/servers/databases/transparentDataEncryption/read")
READ_PROTECTOR = Call("inventory", "sql:GetEncryptionProtector", "Microsoft.Sql/servers/encryptionProtector/read")
READ_PRICINGS = Call("security_services", "security:ListPricings", "Microsoft.Security/pricings/read")
READ_ASSIGNMENTS = Call("azure.policy", "authorization:ListPolicyAssignments", "Microsoft.Authorization/policyAssignments/read")
READ_POLICY_SETS = Call("azure.policy", "authorization:GetPolicySetDefinition",
                        "Microsoft.Authorization/policySetDefinitions/read")  # within ListPolicyAssignments' row

CALLS = (LIST_SUBSCRIPTIONS, QUERY_INVENTORY, QUERY_SECURITY, LIST_RESOURCES, READ_TDE, READ_PROTECTOR, READ_PRICINGS,
         READ_ASSIGNMENTS, READ_POLICY_SETS)
