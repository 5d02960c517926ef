"""0.1.0: the schema of the first release, frozen here (tables, indexes; views come from views.sql).

A database written by 0.1.0 has these tables but no alembic_version; it is recognised by its
tables and stamped with this revision (see ``inventory.migrations``).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table('ref_country',
    sa.Column('iso2', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('eea', sa.Boolean(), nullable=False),
    sa.Column('adequacy', sa.String(), nullable=False),
    sa.Column('adequacy_note', sa.String(), nullable=True),
    sa.Column('offensive_cyber_programme', sa.Boolean(), nullable=False),
    sa.Column('ocp_source', sa.String(), nullable=True),
    sa.Column('notes', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('iso2')
    )
    op.create_table('ref_provider',
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('jurisdiction', sa.String(), nullable=False),
    sa.Column('dpf_certified', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('provider')
    )
    op.create_table('ref_region',
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('region', sa.String(), nullable=False),
    sa.Column('display_name', sa.String(), nullable=True),
    sa.Column('location_kind', sa.String(), nullable=False),
    sa.Column('countries', sa.String(), nullable=True),
    sa.Column('city_or_area', sa.String(), nullable=True),
    sa.Column('notes', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('provider', 'region')
    )
    op.create_table('ref_region_country',
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('region', sa.String(), nullable=False),
    sa.Column('country', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('provider', 'region', 'country')
    )
    op.create_table('scan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('tool_version', sa.String(), nullable=False),
    sa.Column('organisation_name', sa.String(), nullable=True),
    sa.Column('organisation_profile', sa.String(), nullable=False),
    sa.Column('config_sha256', sa.String(), nullable=False),
    sa.Column('register_sha256', sa.String(), nullable=True),
    sa.Column('register_toml', sa.String(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('account_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=True),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('estate', sa.String(), nullable=False),
    sa.Column('parent_id', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('raw', sa.JSON(), nullable=True, comment="the provider's API answer describing the account"),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_account_scan', 'account', ['scan_id', 'provider', 'account_id'], unique=True)
    op.create_table('check_source',
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.String(), nullable=False),
    sa.Column('sql', sa.String(), nullable=False),
    sa.Column('sha256', sa.String(), nullable=False),
    sa.Column('requires', sa.String(), nullable=False),
    sa.Column('providers', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('scan_id', 'check_id')
    )
    op.create_table('collection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('estate', sa.String(), nullable=False),
    sa.Column('account_id', sa.String(), nullable=True),
    sa.Column('region', sa.String(), nullable=True),
    sa.Column('area', sa.String(), nullable=False),
    sa.Column('call', sa.String(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error', sa.String(), nullable=True),
    sa.Column('permission', sa.String(), nullable=True),
    sa.Column('item_count', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('m365_channel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('team_id', sa.String(), nullable=False),
    sa.Column('channel_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=True),
    sa.Column('membership_type', sa.String(), nullable=True),
    sa.Column('file_count', sa.Integer(), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('web_url', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_m365_channel_scan_id'), 'm365_channel', ['scan_id'], unique=False)
    op.create_table('m365_drive',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('uid', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=True),
    sa.Column('site_url', sa.String(), nullable=True),
    sa.Column('file_count', sa.Integer(), nullable=False),
    sa.Column('active_file_count', sa.Integer(), nullable=True),
    sa.Column('storage_used_bytes', sa.Integer(), nullable=True),
    sa.Column('last_activity', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_m365_drive_scan_id'), 'm365_drive', ['scan_id'], unique=False)
    op.create_table('m365_mailbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('uid', sa.String(), nullable=False),
    sa.Column('upn', sa.String(), nullable=True),
    sa.Column('mail', sa.String(), nullable=True),
    sa.Column('location', sa.String(), nullable=False),
    sa.Column('evidence', sa.String(), nullable=False),
    sa.Column('purpose', sa.String(), nullable=True),
    sa.Column('item_count', sa.Integer(), nullable=True),
    sa.Column('storage_used_bytes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_m365_mailbox_scan_id'), 'm365_mailbox', ['scan_id'], unique=False)
    op.create_table('m365_site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('site_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=True),
    sa.Column('web_url', sa.String(), nullable=True),
    sa.Column('data_location', sa.String(), nullable=True),
    sa.Column('template', sa.String(), nullable=True),
    sa.Column('file_count', sa.Integer(), nullable=True),
    sa.Column('storage_used_bytes', sa.Integer(), nullable=True),
    sa.Column('last_activity', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_m365_site_scan_id'), 'm365_site', ['scan_id'], unique=False)
    op.create_table('m365_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('team_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=True),
    sa.Column('visibility', sa.String(), nullable=True),
    sa.Column('channel_count', sa.Integer(), nullable=True),
    sa.Column('channel_names', sa.String(), nullable=True),
    sa.Column('non_standard_channels', sa.Integer(), nullable=True),
    sa.Column('channel_files', sa.Integer(), nullable=True),
    sa.Column('channel_bytes', sa.Integer(), nullable=True),
    sa.Column('drive_used_bytes', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_m365_team_scan_id'), 'm365_team', ['scan_id'], unique=False)
    op.create_table('m365_tenant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=True),
    sa.Column('country', sa.String(), nullable=True),
    sa.Column('sync_enabled', sa.Boolean(), nullable=True),
    sa.Column('last_sync', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_domains', sa.String(), nullable=True),
    sa.Column('teams_region', sa.String(), nullable=True),
    sa.Column('report_names_concealed', sa.Boolean(), nullable=True),
    sa.Column('group_unified_present', sa.Boolean(), nullable=True),
    sa.Column('group_creation_enabled', sa.Boolean(), nullable=True),
    sa.Column('group_creation_allowed_group', sa.String(), nullable=True),
    sa.Column('sharing_capability', sa.String(), nullable=True),
    sa.Column('site_creation_enabled', sa.Boolean(), nullable=True),
    sa.Column('exo_sp_key_credentials', sa.Integer(), nullable=True),
    sa.Column('hybrid_apps', sa.String(), nullable=True),
    sa.Column('organization_relationships', sa.Integer(), nullable=True),
    sa.Column('onprem_organizations', sa.Integer(), nullable=True),
    sa.Column('intra_org_connectors', sa.Integer(), nullable=True),
    sa.Column('teams_channel_messages', sa.Integer(), nullable=True),
    sa.Column('teams_chat_messages', sa.Integer(), nullable=True),
    sa.Column('teams_meetings', sa.Integer(), nullable=True),
    sa.Column('web_app_users', sa.Integer(), nullable=True),
    sa.Column('desktop_app_users', sa.Integer(), nullable=True),
    sa.Column('report_period', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_m365_tenant_scan_id'), 'm365_tenant', ['scan_id'], unique=False)
    op.create_table('m365_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('user_id', sa.String(), nullable=False),
    sa.Column('upn', sa.String(), nullable=True),
    sa.Column('mail', sa.String(), nullable=True),
    sa.Column('account_enabled', sa.Boolean(), nullable=True),
    sa.Column('synced', sa.Boolean(), nullable=True),
    sa.Column('preferred_data_location', sa.String(), nullable=True),
    sa.Column('plan_exchange', sa.Boolean(), nullable=False),
    sa.Column('plan_sharepoint', sa.Boolean(), nullable=False),
    sa.Column('plan_onedrive', sa.Boolean(), nullable=False),
    sa.Column('plan_teams', sa.Boolean(), nullable=False),
    sa.Column('plan_office_web', sa.Boolean(), nullable=False),
    sa.Column('plan_office_desktop', sa.Boolean(), nullable=False),
    sa.Column('enabled_plans', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_m365_user_scan_id'), 'm365_user', ['scan_id'], unique=False)
    op.create_table('m365_user_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('upn', sa.String(), nullable=False),
    sa.Column('channel_messages', sa.Integer(), nullable=True),
    sa.Column('chat_messages', sa.Integer(), nullable=True),
    sa.Column('meetings', sa.Integer(), nullable=True),
    sa.Column('uses_web_apps', sa.Boolean(), nullable=True),
    sa.Column('uses_desktop_apps', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_m365_user_activity_scan_id'), 'm365_user_activity', ['scan_id'], unique=False)
    op.create_table('onprem_endpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('header', sa.String(), nullable=True),
    sa.Column('build', sa.String(), nullable=True),
    sa.Column('product', sa.String(), nullable=True),
    sa.Column('version', sa.String(), nullable=True),
    sa.Column('end_of_support', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_onprem_endpoint_scan_id'), 'onprem_endpoint', ['scan_id'], unique=False)
    op.create_table('pack_control',
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('pack', sa.String(), nullable=False),
    sa.Column('control_id', sa.String(), nullable=False),
    sa.Column('title_nl', sa.String(), nullable=False),
    sa.Column('title_en', sa.String(), nullable=False),
    sa.Column('severity', sa.String(), nullable=False),
    sa.Column('document', sa.String(), nullable=False),
    sa.Column('section', sa.String(), nullable=False),
    sa.Column('quote', sa.String(), nullable=False),
    sa.Column('checks', sa.String(), nullable=False),
    sa.Column('classifications', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('scan_id', 'pack', 'control_id')
    )
    op.create_table('register_attestation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('control_id', sa.String(), nullable=False),
    sa.Column('reference', sa.String(), nullable=False),
    sa.Column('attested_by', sa.String(), nullable=False),
    sa.Column('attested_on', sa.Date(), nullable=False),
    sa.Column('expires', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_register_attestation_scan_id'), 'register_attestation', ['scan_id'], unique=False)
    op.create_table('register_explain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('control_id', sa.String(), nullable=False),
    sa.Column('provider', sa.String(), nullable=True),
    sa.Column('account_id', sa.String(), nullable=True),
    sa.Column('resource_uid', sa.String(), nullable=True),
    sa.Column('justification', sa.String(), nullable=False),
    sa.Column('approver', sa.String(), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('expires', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_register_explain_scan_id'), 'register_explain', ['scan_id'], unique=False)
    op.create_table('register_mailbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('address', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_register_mailbox_scan_id'), 'register_mailbox', ['scan_id'], unique=False)
    op.create_table('register_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('account_id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=True),
    sa.Column('material', sa.Boolean(), nullable=False),
    sa.Column('classification', sa.String(), nullable=True),
    sa.Column('service_model', sa.String(), nullable=True),
    sa.Column('risk_assessment_ref', sa.String(), nullable=True),
    sa.Column('risk_assessment_date', sa.Date(), nullable=True),
    sa.Column('risk_covers_jurisdiction', sa.Boolean(), nullable=False),
    sa.Column('exit_portability_terms', sa.String(), nullable=True),
    sa.Column('exit_alternative', sa.String(), nullable=True),
    sa.Column('exit_crisis', sa.String(), nullable=True),
    sa.Column('exit_regular', sa.String(), nullable=True),
    sa.Column('exit_plan_ref', sa.String(), nullable=True),
    sa.Column('emergency_plan_ref', sa.String(), nullable=True),
    sa.Column('right_to_audit', sa.Boolean(), nullable=True),
    sa.Column('sub_processors', sa.String(), nullable=True),
    sa.Column('declared_regions', sa.String(), nullable=True),
    sa.Column('contract_end', sa.Date(), nullable=True),
    sa.Column('reported_to_cio_rijk', sa.Date(), nullable=True),
    sa.Column('in_use_since', sa.Date(), nullable=True),
    sa.Column('transfer_mechanism', sa.String(), nullable=True),
    sa.Column('transfer_dpia_sent', sa.Date(), nullable=True),
    sa.Column('pet', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_register_service_account', 'register_service', ['scan_id', 'provider', 'account_id'], unique=False)
    op.create_table('register_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.String(), nullable=False),
    sa.Column('team_id', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_register_team_scan_id'), 'register_team', ['scan_id'], unique=False)
    op.create_table('resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('account_id', sa.String(), nullable=False),
    sa.Column('uid', sa.String(), nullable=False),
    sa.Column('type', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=True),
    sa.Column('region', sa.String(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=True, comment='tags or labels as a JSON object'),
    sa.Column('stores_data', sa.Boolean(), nullable=False),
    sa.Column('encrypted', sa.Boolean(), nullable=True),
    sa.Column('key_custody', sa.String(), nullable=True),
    sa.Column('key_id', sa.String(), nullable=True),
    sa.Column('source_api', sa.String(), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=True, comment="the provider's API answer for the resource"),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_resource_scan', 'resource', ['scan_id', 'provider', 'account_id'], unique=False)
    op.create_index('ix_resource_uid', 'resource', ['provider', 'account_id', 'uid', 'scan_id'], unique=False)
    op.create_table('security_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('account_id', sa.String(), nullable=False),
    sa.Column('region', sa.String(), nullable=True),
    sa.Column('service', sa.String(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('detail', sa.String(), nullable=True),
    sa.Column('source_api', sa.String(), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=True, comment="the provider's API answer"),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(), nullable=False),
    sa.Column('account_id', sa.String(), nullable=False),
    sa.Column('region', sa.String(), nullable=True),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('value', sa.String(), nullable=True),
    sa.Column('source_api', sa.String(), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=True, comment="the provider's API answer"),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_setting_scan', 'setting', ['scan_id', 'provider', 'account_id', 'key'], unique=False)
    op.create_table('fact_resource',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('location_kind', sa.String(), nullable=False),
    sa.Column('ref_region', sa.String(), nullable=True),
    sa.Column('countries', sa.String(), nullable=True),
    sa.Column('classification', sa.String(), nullable=False),
    sa.Column('classification_source', sa.String(), nullable=False),
    sa.Column('pet', sa.String(), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ),
    sa.PrimaryKeyConstraint('resource_id')
    )
    op.create_index(op.f('ix_fact_resource_scan_id'), 'fact_resource', ['scan_id'], unique=False)
    op.create_table('fact_resource_country',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ),
    sa.PrimaryKeyConstraint('resource_id', 'country')
    )
    op.create_index(op.f('ix_fact_resource_country_scan_id'), 'fact_resource_country', ['scan_id'], unique=False)
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('pack', sa.String(), nullable=False),
    sa.Column('control_id', sa.String(), nullable=False),
    sa.Column('check_id', sa.String(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('check_status', sa.String(), nullable=False),
    sa.Column('severity', sa.String(), nullable=False),
    sa.Column('message', sa.String(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('provider', sa.String(), nullable=True),
    sa.Column('account_id', sa.String(), nullable=True),
    sa.Column('resource_id', sa.Integer(), nullable=True),
    sa.Column('explain_id', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=True, comment='what the check observed: the extra columns its SQL returned'),
    sa.ForeignKeyConstraint(['explain_id'], ['register_explain.id'], ),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], ),
    sa.ForeignKeyConstraint(['scan_id'], ['scan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_finding_account_level', 'finding', ['scan_id'], unique=False,
                    sqlite_where=sa.text('resource_id is null'), postgresql_where=sa.text('resource_id is null'))
    op.create_index('ix_finding_scan', 'finding', ['scan_id', 'control_id', 'status'], unique=False)
