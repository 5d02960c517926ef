"""botocore's service models, cut down to the operations the connector calls.

A botocore client carries its service's whole API model: EC2's is about 14 MiB of Python objects
for some 750 operations, of which the connector calls five. :class:`ModelFiles` reads botocore's
data files into plain dicts (botocore's own reader builds OrderedDicts, slower and larger; orjson
would be faster still, but needs about 50 MiB on the side for EC2's 4 MB of JSON) and keeps of a
service model only the operations in :data:`OPERATIONS` with the shapes they use (and the error
shapes), before botocore caches it. Clients of a cut-down model answer the same for those
operations; another operation is no method of theirs.
"""

import json
import os

from botocore.loaders import JSONFileLoader, Loader

from connectors.aws.calls import CALLS, client, operation

# Operations botocore sends on its own: S3's region lookup and S3 Express sessions; the credential chain's role calls
BOTOCORE_OWN = {"s3": {"HeadBucket", "CreateSession"}, "sts": {"AssumeRole", "AssumeRoleWithWebIdentity"}}
OPERATIONS: dict[str, set[str]] = {}
for _call in CALLS:
    OPERATIONS.setdefault(client(_call), set(BOTOCORE_OWN.get(client(_call), ()))).add(operation(_call))


def cut_down(model: dict, operations: set[str]) -> dict:
    """``model`` (a service-2 file) with only ``operations`` (and an endpoint-discovery operation botocore may call) and
    the shapes they reach, plus every error shape."""
    kept = {name: op for name, op in model["operations"].items() if name in operations or op.get("endpointoperation")}
    shapes = model["shapes"]
    todo = [ref["shape"] for op in kept.values() for ref in (op.get("input"), op.get("output"), *op.get("errors", ())) if ref]
    todo += [name for name, shape in shapes.items() if shape.get("exception")]
    reached: dict[str, dict] = {}
    while todo:
        name = todo.pop()
        if name not in reached:
            shape = reached[name] = shapes[name]
            todo += [shape[key]["shape"] for key in ("member", "key", "value") if key in shape]
            todo += [member["shape"] for member in shape.get("members", {}).values()]
    return model | {"operations": kept, "shapes": reached}


class ModelFiles(JSONFileLoader):
    """botocore's data files as plain dicts; a service model of a service in ``operations`` cut down to those."""

    def __init__(self, operations: dict[str, set[str]]):
        self.operations = operations

    def _load_file(self, full_path, open_method):
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            return json.loads(fp.read())

    def load_file(self, file_path):
        data = super().load_file(file_path)  # file_path: <service>/<api version>/<kind>, without the extension
        service, _, kind = file_path.split(os.sep)[-3:]
        if data is not None and kind == "service-2" and service in self.operations:
            data = cut_down(data, self.operations[service])
        return data


def service_models() -> Loader:
    """A botocore loader of the cut-down models; botocore caches what it loads in it, so share one."""
    return Loader(file_loader=ModelFiles(OPERATIONS))
