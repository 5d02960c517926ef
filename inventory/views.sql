-- Views for auditors and checks: each scan's resources with their raw answers and its findings, where each
-- resource's data may be, and the latest scan with its findings and everything needed to read them.
drop view if exists cio_supplier;
drop view if exists cio_service;
drop view if exists resource_location;
drop view if exists region_location;
drop view if exists latest_finding;
drop view if exists latest_resource;
drop view if exists latest_scan;
drop view if exists latest_estate_scan;
drop view if exists finding;
drop view if exists resource;
-- Every resource of every scan as it was found, with the provider's raw answer. Each scan's resource is a
-- resource_row pointing at the state it was found in (resource_state), stored once for every scan that
-- found the resource so; each distinct raw answer is stored once in raw_document. The state is joined on
-- its primary key and the raw answer read by a scalar subquery, so the planner merges the view into every
-- query and the subquery runs only where raw is read. Not on the right of a LEFT JOIN: SQLite (3.40) cannot
-- merge a view that joins there and materialises it, every scan's rows; outer-join resource_row and
-- resource_state instead (as latest_finding does), or look a resource up with a scalar subquery.
create view resource as
  select r.id, r.scan_id, s.provider, s.account_id, s.uid, s.type, s.name, s.region, s.created_at, s.tags,
         s.stores_data, s.encrypted, s.key_custody, s.key_id, s.source_api,
         (select d.raw from raw_document d where d.sha256 = s.raw_sha256) as raw
  from resource_row r join resource_state s on s.id = r.state_id;
-- Every finding of every scan: its row in the scan (finding_row) with what it says (finding_body), which
-- is stored once for all the scans that judged the same. A join on the body's primary key, so the planner
-- merges the view into every query.
create view finding as
  select r.id, r.scan_id, b.pack, b.control_id, b.check_id, b.status, b.check_status, b.severity, b.message,
         b.message_key, b.message_params, b.deadline, b.provider, b.account_id, r.resource_id, r.explain_id,
         r.accepted_risk_id, b.evidence, b.key
  from finding_row r join finding_body b on b.id = r.body_id;
create view latest_scan as
  select * from scan where id = (select max(id) from scan where status in ('complete', 'partial'));
-- The newest finished (complete or partial) scan of each organisation and estate: the current
-- state when every estate is scanned by its own scheduled job into one shared database.
create view latest_estate_scan as
  select s.organisation_name, a.provider, a.estate, max(s.id) as scan_id
  from scan s join account a on a.scan_id = s.id
  where s.status in ('complete', 'partial')
  group by s.organisation_name, a.provider, a.estate;
create view latest_resource as
  select r.id, r.scan_id, r.provider, r.account_id, r.uid, r.type, r.name, r.region, r.created_at,
         r.stores_data, r.encrypted, r.key_custody, f.location_kind, f.countries, f.classification,
         f.classification_source, f.first_seen
  from resource r join latest_scan s on s.id = r.scan_id
  left join fact_resource f on f.resource_id = r.id;
create view latest_finding as
  select fi.id, fi.scan_id, fi.pack, fi.control_id, c.title_nl, c.title_en, c.section, c.quote,
         fi.check_id, fi.status, fi.check_status, fi.severity, fi.message, fi.deadline,
         fi.provider, fi.account_id, r.uid as resource_uid, r.type as resource_type, r.name as resource_name,
         r.region, fr.countries, fi.explain_id, fi.evidence
  from finding fi join latest_scan s on s.id = fi.scan_id
  left join pack_control c on c.scan_id = fi.scan_id and c.pack = fi.pack and c.control_id = fi.control_id
  left join resource_row rr on rr.id = fi.resource_id
  left join resource_state r on r.id = rr.state_id
  left join fact_resource fr on fr.resource_id = fi.resource_id;
-- One row per reference location (ref_region) with countries: three judgements on its set of
-- countries. A country missing from ref_country counts as outside the EEA and without adequacy.
-- Adequacy per country: ref_country.adequacy; 'dpf_only' (the US) counts only when the provider is
-- DPF-certified (ref_provider.dpf_certified); 'commercial_only' (CA, JP, KR) is met by a commercial
-- cloud provider.
create view region_location as
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
  group by g.provider, g.region;
-- One row per resource: its location and classification facts, the judgements of its location
-- (0 when the location has no known countries) and whether the provider's jurisdiction is a state
-- with an offensive cyber programme, as frozen for its scan (fact_region and fact_provider: the
-- reference data the scan was judged with, so a later change of ref_* never changes an old answer).
create view resource_location as
  select r.id as resource_id, r.scan_id, r.provider, r.account_id, r.region, f.location_kind, f.countries,
    f.classification, f.classification_source, p.jurisdiction,
    coalesce(j.outside_eea, 0) as outside_eea, coalesce(j.outside_adequacy, 0) as outside_adequacy,
    coalesce(j.in_ocp_state, 0) as in_ocp_state,
    case when p.jurisdiction_ocp then 1 else 0 end as jurisdiction_in_ocp_state, j.country_facts
  from resource r join fact_resource f on f.resource_id = r.id
  left join fact_provider p on p.scan_id = r.scan_id and p.provider = r.provider
  left join fact_region j on j.scan_id = r.scan_id and j.provider = r.provider and j.region = f.ref_region;
-- For CIO Rijk across organisations: every register entry of each organisation's newest finished
-- scan (the register is snapshotted whole by every scan), with the provider's jurisdiction.
create view cio_service as
  select s.organisation_name, rs.scan_id, s.started_at as scan_started_at, rs.provider, rp.name as provider_name,
    p.jurisdiction, rs.account_id, rs.name, rs.owner, rs.material, rs.service_model, rs.risk_assessment_ref,
    rs.risk_assessment_date, rs.exit_plan_ref, rs.emergency_plan_ref, rs.contract_end, rs.reported_to_cio_rijk
  from register_service rs
  join scan s on s.id = rs.scan_id
  left join fact_provider p on p.scan_id = rs.scan_id and p.provider = rs.provider
  left join ref_provider rp on rp.provider = rs.provider
  where rs.scan_id in (select max(scan_id) from latest_estate_scan group by organisation_name);
-- The concentration question (Rijksbreed cloudbeleid 2026, 3.1): per supplier, how many
-- organisations depend on it materially.
create view cio_supplier as
  select provider, provider_name, jurisdiction,
    count(distinct case when material then organisation_name end) as organisations_material,
    count(distinct organisation_name) as organisations,
    sum(case when material then 1 else 0 end) as material_services
  from cio_service
  group by provider, provider_name, jurisdiction;
