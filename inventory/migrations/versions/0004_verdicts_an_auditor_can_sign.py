"""Verdicts an auditor can sign: the register's explain conditions, contract start and accepted risks;
the transition's facts per finding; the pack's texts per control; raw tag values; and the reference
data frozen per scan (fact_region, fact_provider), filled for earlier scans.

Earlier scans get fact_region and fact_provider from the reference tables as the database holds
them at the upgrade: the reference data of the newest scan before it, which every earlier scan of
the same release was judged with unless the reference data changed between releases.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

# As findings.facts at this revision (frozen here).
FACT_REGION = """
insert into fact_region (scan_id, provider, region, location_kind, countries, outside_eea, outside_adequacy, in_ocp_state)
select s.id, g.provider, g.region, g.location_kind, g.countries, coalesce(l.outside_eea, 0),
       coalesce(l.outside_adequacy, 0), coalesce(l.in_ocp_state, 0)
from scan s cross join ref_region g
left join (
  select g.provider, g.region,
    max(case when coalesce(c.eea, false) then 0 else 1 end) as outside_eea,
    max(case when coalesce(c.eea, false) or coalesce(c.adequacy, 'none') in ('full', 'commercial_only')
                  or (coalesce(c.adequacy, 'none') = 'dpf_only' and coalesce(p.dpf_certified, false))
             then 0 else 1 end) as outside_adequacy,
    max(case when coalesce(c.offensive_cyber_programme, false) then 1 else 0 end) as in_ocp_state
  from ref_region g
  join ref_region_country rc on rc.provider = g.provider and rc.region = g.region
  left join ref_country c on c.iso2 = rc.country
  left join ref_provider p on p.provider = g.provider
  group by g.provider, g.region) l on l.provider = g.provider and l.region = g.region
"""
FACT_PROVIDER = """
insert into fact_provider (scan_id, provider, jurisdiction, dpf_certified, jurisdiction_eea, jurisdiction_ocp)
select s.id, p.provider, p.jurisdiction, p.dpf_certified, c.eea, c.offensive_cyber_programme
from scan s cross join ref_provider p left join ref_country c on c.iso2 = p.jurisdiction
"""


def upgrade() -> None:
    op.create_table(
        "fact_provider",
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id"), primary_key=True),
        sa.Column("provider", sa.String(), primary_key=True),
        sa.Column("jurisdiction", sa.String(), nullable=True),
        sa.Column("dpf_certified", sa.Boolean(), nullable=True),
        sa.Column("jurisdiction_eea", sa.Boolean(), nullable=True),
        sa.Column("jurisdiction_ocp", sa.Boolean(), nullable=True))
    op.create_table(
        "fact_region",
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id"), primary_key=True),
        sa.Column("provider", sa.String(), primary_key=True),
        sa.Column("region", sa.String(), primary_key=True),
        sa.Column("location_kind", sa.String(), nullable=False),
        sa.Column("countries", sa.String(), nullable=True),
        sa.Column("outside_eea", sa.Integer(), nullable=False),
        sa.Column("outside_adequacy", sa.Integer(), nullable=False),
        sa.Column("in_ocp_state", sa.Integer(), nullable=False),
        sa.Column("country_facts", sa.String(), nullable=True))
    op.create_table(
        "register_accepted_risk",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id"), nullable=False, index=True),
        sa.Column("control_id", sa.String(), nullable=False),
        sa.Column("provider", sa.String(), nullable=True),
        sa.Column("account_id", sa.String(), nullable=True),
        sa.Column("resource_uid", sa.String(), nullable=True),
        sa.Column("justification", sa.String(), nullable=False),
        sa.Column("approver", sa.String(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=False))
    op.create_table(
        "finding_transition",
        sa.Column("finding_id", sa.Integer(), sa.ForeignKey("finding.id"), primary_key=True),
        sa.Column("scan_id", sa.Integer(), nullable=False, index=True),
        sa.Column("existing_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("existing_source", sa.String(), nullable=False),
        sa.Column("existing_before", sa.Date(), nullable=False),
        sa.Column("excluded", sa.String(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("deadline_rule", sa.String(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("due_soon", sa.Boolean(), nullable=False))
    with op.batch_alter_table("fact_resource") as batch:
        batch.add_column(sa.Column("classification_tag", sa.String(), nullable=True))
        batch.add_column(sa.Column("pet_tag", sa.String(), nullable=True))
    with op.batch_alter_table("finding") as batch:
        batch.add_column(sa.Column("accepted_risk_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_finding_accepted_risk", "register_accepted_risk", ["accepted_risk_id"], ["id"])
    with op.batch_alter_table("pack_control") as batch:
        for name in ("evaluates", "evidence", "manual", "transition_basis", "explain_route", "explain_requires"):
            batch.add_column(sa.Column(name, sa.String(), nullable=True))
        batch.add_column(sa.Column("transition", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("existing_before", sa.Date(), nullable=True))
        batch.add_column(sa.Column("transition_deadline", sa.Date(), nullable=True))
    with op.batch_alter_table("register_explain") as batch:
        batch.add_column(sa.Column("transfer_mechanism", sa.String(), nullable=True))
        for name in ("sent_to_cio_rijk", "advice_requested", "advised_on"):
            batch.add_column(sa.Column(name, sa.Date(), nullable=True))
    with op.batch_alter_table("register_service") as batch:
        batch.add_column(sa.Column("contract_start", sa.Date(), nullable=True))
    op.execute(FACT_REGION)
    op.execute(FACT_PROVIDER)
