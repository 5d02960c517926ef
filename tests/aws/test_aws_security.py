"""The CSP-native security services per region: on, off, and a failed call."""

import pytest
from aws_support import ACCOUNT
from botocore.exceptions import ClientError

from connectors.aws.security import CHECKS
from inventory.rows import Collection, SecurityService

REGIONS = ["eu-west-1", "us-east-1"]


def states(rows) -> dict[tuple[str, str], bool]:
    return {(s.service, s.region): s.enabled for s in rows if isinstance(s, SecurityService)}


def test_services_switched_on_in_one_region(aws):
    aws.client("guardduty").create_detector(Enable=True)
    aws.client("securityhub").enable_security_hub()
    aws.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["EC2"])
    aws.client("macie2", "us-east-1").disable_macie()  # moto starts with Macie enabled
    rows = aws.scan(regions=REGIONS)
    assert states(rows) == {
        ("guardduty", "eu-west-1"): True, ("guardduty", "us-east-1"): False,
        ("securityhub", "eu-west-1"): True, ("securityhub", "us-east-1"): False,
        ("inspector", "eu-west-1"): True, ("inspector", "us-east-1"): False,
        ("macie", "eu-west-1"): True, ("macie", "us-east-1"): False,
    }
    hub_off = next(s for s in rows if isinstance(s, SecurityService) and s.service == "securityhub" and not s.enabled)
    assert hub_off.detail.startswith("InvalidAccessException")  # "not subscribed" is an answer, not an error
    assert all(c.ok for c in rows if isinstance(c, Collection) and c.call.startswith(("securityhub", "macie2")))


def test_disabled_detector_is_off(aws):
    aws.client("guardduty").create_detector(Enable=False)
    rows = aws.scan()
    detector = next(s for s in rows if isinstance(s, SecurityService) and s.service == "guardduty")
    assert (detector.enabled, detector.detail) == (False, "DISABLED")


def test_failed_call_is_recorded_and_others_go_on(aws):
    rows = aws.scan(regions=REGIONS)  # moto does not implement Detective: every ListGraphs fails
    failed = [c for c in rows if isinstance(c, Collection) and not c.ok]
    assert {(c.call, c.region, c.area, c.permission) for c in failed} == {
        ("detective:ListGraphs", region, "security_services", "detective:ListGraphs") for region in REGIONS}
    # the HTTP status stands in for the AWS error code; of an HTML error page only its title is kept
    assert {c.error for c in failed} == {"500: 500 Internal Server Error"}
    assert ("detective", "eu-west-1") not in states(rows)  # not observed: no row, never enabled=False
    assert len(states(rows)) == 4 * len(REGIONS)


def error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Operation")


@pytest.mark.parametrize("service, code, message, off", [
    ("macie", "AccessDeniedException", "Macie is not enabled.", True),
    ("macie", "AccessDeniedException", "User: x is not authorized to perform: macie2:GetMacieSession", False),
    ("securityhub", "InvalidAccessException", "Account 1 is not subscribed to AWS Security Hub", True),
    ("securityhub", "AccessDeniedException", "User is not authorized to perform: securityhub:DescribeHub", False),
    ("detective", "AccessDeniedException", "The account is not subscribed to Amazon Detective", True),
    ("detective", "AccessDeniedException", "User is not authorized to perform: detective:ListGraphs", False),
    ("guardduty", "AccessDeniedException", "not subscribed", False),
])
def test_which_answers_mean_not_enabled(service, code, message, off):
    check = next(c for c in CHECKS if c.service == service)
    assert check.off(error(code, message)) is off
