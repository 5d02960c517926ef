-- Least privilege in a shared PostgreSQL inventory (docs/postgresql.md). Run once as a superuser,
-- connected to the wolkenwacht database, before the first scan; then set passwords or
-- certificate authentication for the login roles as your DBA prefers.

-- Writes scans: creates and upgrades the schema, stores inventory rows and findings.
create role wolkenwacht_scanner login;
grant usage, create on schema public to wolkenwacht_scanner;

-- Reads everything, writes nothing: `wolkenwacht query`, Datasette, BI tools, auditors.
create role wolkenwacht_auditor login;
grant usage on schema public to wolkenwacht_auditor;
alter default privileges for role wolkenwacht_scanner in schema public grant select on tables to wolkenwacht_auditor;
alter role wolkenwacht_auditor set default_transaction_read_only = on;

-- CIO Rijk: only the consolidated views (latest_estate_scan, cio_service, cio_supplier); the
-- scanner grants them again whenever it recreates the views.
create role wolkenwacht_cio login;
grant usage on schema public to wolkenwacht_cio;
alter role wolkenwacht_cio set default_transaction_read_only = on;
