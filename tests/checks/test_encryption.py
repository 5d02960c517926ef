"""encryption_at_rest (RBC26-ENCRYPT): storage-bearing resources are encrypted unless public."""

import pytest

from .golden import changes, golden_estate, only_change, row, run

CHECK = "encryption_at_rest"


def test_encryption_at_rest_golden_passes(golden):
    outcome = golden(CHECK)
    assert set(outcome) == {"aws-bucket", "azure-storage", "azure-health", "gcp-bucket", "m365-mailbox"}
    assert all(r["status"] == "pass" for rows in outcome.values() for r in rows)
    assert row(outcome, "gcp-bucket")["key_custody"] == "customer"
    assert row(outcome, "gcp-bucket")["key_id"] == "key-gcp-bucket"
    assert "key held by provider" in row(outcome, "aws-bucket")["message"]


@pytest.mark.parametrize("name", ["aws-bucket", "azure-storage", "gcp-bucket", "m365-mailbox"])
def test_encryption_at_rest_unencrypted_fails(tmp_path, golden, name):
    estate = golden_estate()
    estate.resources[name].encrypted = False
    outcome = run(tmp_path, estate, CHECK)
    assert only_change(golden(CHECK), outcome, name) == ["fail"]
    assert "Not encrypted at rest" in row(outcome, name)["message"]


def test_encryption_at_rest_unencrypted_public_data_by_tag_passes(tmp_path, golden):
    estate = golden_estate()
    estate.resources["aws-bucket"].encrypted = False
    estate.resources["aws-bucket"].tags = {"classification": "openbaar"}
    outcome = run(tmp_path, estate, CHECK)
    assert only_change(golden(CHECK), outcome, "aws-bucket") == ["pass"]
    assert "the data is public" in row(outcome, "aws-bucket")["message"]


def test_encryption_at_rest_unencrypted_public_data_by_register_passes(tmp_path, golden):
    estate = golden_estate()
    estate.resources["m365-mailbox"].encrypted = False
    estate.register["m365"].classification = "openbaar"
    outcome = run(tmp_path, estate, CHECK)
    assert only_change(golden(CHECK), outcome, "m365-mailbox") == ["pass"]
    assert row(outcome, "m365-mailbox")["classification"] == "openbaar"


def test_encryption_at_rest_unencrypted_unknown_classification_fails(tmp_path, golden):
    estate = golden_estate()
    estate.resources["m365-mailbox"].encrypted = False
    estate.register["m365"].classification = None
    outcome = run(tmp_path, estate, CHECK)
    assert only_change(golden(CHECK), outcome, "m365-mailbox") == ["fail"]
    assert "classification unknown" in row(outcome, "m365-mailbox")["message"]


def test_encryption_at_rest_not_observed_is_error(tmp_path, golden):
    estate = golden_estate()
    estate.resources["azure-storage"].encrypted = None
    outcome = run(tmp_path, estate, CHECK)
    assert only_change(golden(CHECK), outcome, "azure-storage") == ["error"]


def test_encryption_at_rest_ignores_resources_without_data(tmp_path, golden):
    estate = golden_estate()
    estate.resources["aws-bucket"].stores_data = False
    estate.resources["aws-bucket"].encrypted = False
    assert changes(golden(CHECK), run(tmp_path, estate, CHECK)) == {"aws-bucket": []}


def test_encryption_at_rest_judges_a_resource_once_it_stores_data(tmp_path, golden):
    estate = golden_estate()
    estate.resources["aws-function"].stores_data = True     # encrypted stays None: not observed
    assert changes(golden(CHECK), run(tmp_path, estate, CHECK)) == {"aws-function": ["error"]}
