"""Typed table for on-premises Exchange and SharePoint endpoints and the build they announce."""

from datetime import date

from sqlmodel import Field, SQLModel


class OnpremEndpoint(SQLModel, table=True):
    """One configured on-premises endpoint, the version header it sent and the product it maps to."""

    __tablename__ = "onprem_endpoint"
    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="scan.id", index=True, description="scan that collected it")
    url: str = Field(description="configured URL (also the account_id of its onprem-endpoint account)")
    kind: str = Field(description="exchange or sharepoint")
    status_code: int | None = Field(default=None, description="HTTP status of the answer that carried the header")
    header: str | None = Field(default=None, description="raw version header: X-OWA-Version or MicrosoftSharePointTeamServices")
    build: str | None = Field(default=None, description="build number read from the header")
    product: str | None = Field(default=None, description="Exchange Server or SharePoint Server; NULL when the build is unknown")
    version: str | None = Field(default=None, description="2013, 2016, 2019 or Subscription Edition")
    end_of_support: date | None = Field(default=None, description="Microsoft end-of-support date; NULL for Subscription Edition")
