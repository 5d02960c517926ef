"""The connector's botocore clients carry cut-down service models: every declared call, botocore's own, nothing else."""

from functools import cache

import botocore.session
from botocore import xform_name

from connectors.aws.calls import CALLS, client, operation
from connectors.aws.models import BOTOCORE_OWN
from connectors.aws.session import Clients, Scope, new_session


def connector_client(service: str):
    clients = Clients(new_session(None), "http://127.0.0.1:9", max_attempts=1, seconds_left=lambda: 60)
    return clients.get(service, Scope("123456789012", "aws", region="eu-west-1"))


@cache
def full_model(service: str):
    return botocore.session.Session().get_service_model(service)


def shapes(shape, seen: set[str]) -> set[str]:
    """Names of every shape reachable from ``shape`` (resolving each one, as parsing an answer does)."""
    if shape is None or shape.name in seen:
        return seen
    seen.add(shape.name)
    for child in [*getattr(shape, "members", {}).values(), *(getattr(shape, part, None) for part in ("member", "key", "value"))]:
        shapes(child, seen)
    return seen


def test_every_declared_call_and_botocores_own_are_methods_with_whole_shapes():
    for call in CALLS:
        boto = connector_client(client(call))
        full = full_model(client(call))
        discovery = {name for name in full.operation_names if full.operation_model(name).is_endpoint_discovery_operation}
        operations = {operation(c) for c in CALLS if client(c) == client(call)} | BOTOCORE_OWN.get(client(call), set())
        assert set(boto.meta.service_model.operation_names) == operations | discovery
        assert hasattr(boto, xform_name(operation(call)))
        ours = boto.meta.service_model.operation_model(operation(call))
        theirs = full.operation_model(operation(call))
        for part in ("input_shape", "output_shape"):
            assert shapes(getattr(ours, part), set()) == shapes(getattr(theirs, part), set()), (call.call, part)


def test_ec2_keeps_a_fraction_of_its_operations():
    ec2 = connector_client("ec2")
    assert len(ec2.meta.service_model.operation_names) < len(full_model("ec2").operation_names) / 50
    assert not hasattr(ec2, "run_instances")


def test_a_service_the_connector_does_not_call_keeps_its_whole_model():
    iam = new_session(None).client("iam", region_name="eu-west-1", endpoint_url="http://127.0.0.1:9")
    assert iam.meta.service_model.operation_names == full_model("iam").operation_names
