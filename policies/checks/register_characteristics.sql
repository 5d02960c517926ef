-- RBC22-CHARACTERISTICS: one row per discovered cloud service. Observed regions are the
-- distinct resource.region values of the account; declared ones are register_service.declared_regions.
-- The right to audit must be recorded and true: right_to_audit = false fails.
with regions as (
  select distinct provider, account_id, region from resource where scan_id = :scan_id and region is not null
),
described as (
  select a.provider, a.account_id, a.kind, a.name, rs.id as register_id, rs.sub_processors, rs.service_model,
    rs.declared_regions, rs.right_to_audit, count(g.region) as undeclared_regions, min(g.region) as first_undeclared_region
  from account a
  left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
  left join regions g on g.provider = a.provider and g.account_id = a.account_id
    and ';' || coalesce(rs.declared_regions, '') || ';' not like '%;' || g.region || ';%'
  where a.scan_id = :scan_id and a.kind <> 'onprem-endpoint'
  group by a.provider, a.account_id, a.kind, a.name, rs.id, rs.sub_processors, rs.service_model,
    rs.declared_regions, rs.right_to_audit
)
select provider, account_id, null as resource_id,
  case when register_id is not null and sub_processors is not null and service_model is not null
        and declared_regions is not null and right_to_audit and undeclared_regions = 0
       then 'pass' else 'fail' end as status,
  case
    when register_id is null then 'register_characteristics.not_registered'
    when (sub_processors is null or service_model is null or declared_regions is null or right_to_audit is null
          or not right_to_audit) and undeclared_regions > 0 then 'register_characteristics.lacks_and_undeclared'
    when sub_processors is null or service_model is null or declared_regions is null or right_to_audit is null
         or not right_to_audit then 'register_characteristics.lacks'
    when undeclared_regions > 0 then 'register_characteristics.undeclared'
    else 'register_characteristics.recorded'
  end as message_key,
  kind, name, sub_processors, service_model, declared_regions, right_to_audit, undeclared_regions, first_undeclared_region,
  substr(case when sub_processors is null then ', sub_processors' else '' end
         || case when service_model is null then ', service_model' else '' end
         || case when declared_regions is null then ', declared_regions' else '' end
         || case when right_to_audit is null then ', right_to_audit' when not right_to_audit then ', right_to_audit = false'
                 else '' end, 3) as missing
from described
