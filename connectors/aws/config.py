"""The [[aws]] config table."""

from typing import Literal

from pydantic import Field

from connectors.config import Endpoint, Limit, SourceConfig, concurrency
from inventory.vocabulary import Strict


class AwsOrganization(Strict):
    """Organizations mode: list member accounts and assume a read-only role in each."""

    role_name: str = Field(description="role to assume in every member account, e.g. WolkenwachtReadOnly")
    external_id: str | None = None


class AwsConfig(SourceConfig):
    """One AWS estate, reached through the standard boto3 credential chain."""

    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    regions: list[str] = Field(default_factory=lambda: ["*"], min_length=1)
    endpoint_url: Endpoint | None = None
    organization: AwsOrganization | None = None
    max_attempts: int = Field(default=5, ge=1, le=20,
                              description="botocore 'standard' retry mode: total attempts per call (1 = no retry)")
    concurrency: dict[Literal["s3", "kms", "dynamodb", "sqs", "sns"], Limit] = concurrency()  # per account and region
