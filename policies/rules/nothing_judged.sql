-- Rule "nothing_judged" (after rules error and error_added): every control of the packs ends with
-- at least one finding, so a report never hides a control. A control without findings gets one:
-- 'not_applicable' when an account its checks cover was scanned (nothing observed falls under it,
-- e.g. no special personal data), 'manual' when no configured source covers it at all (e.g. no
-- Microsoft 365 tenant or on-premises endpoint in the config): a person must verify it.
insert into finding_draft (scan_id, pack, control_id, check_id, status, check_status, severity, message, message_key,
                     message_params)
select j.scan_id, j.pack, j.control_id, null, j.status, j.status, j.severity, '',
  case when j.status = 'not_applicable' then 'rules.not_applicable' else 'rules.no_source' end,
  case when j.status = 'manual' then json_object('checks', replace(j.checks, ';', ', ')) end
from (
  select pc.scan_id, pc.pack, pc.control_id, pc.severity, pc.checks,
    case when exists (select 1 from account a join check_source cs on cs.scan_id = a.scan_id
                       where a.scan_id = pc.scan_id and ';' || pc.checks || ';' like '%;' || cs.check_id || ';%'
                         and ';' || cs.providers || ';' like '%;' || a.provider || ';%')
         then 'not_applicable' else 'manual' end as status
  from pack_control pc
  where pc.scan_id = :scan_id
    and not exists (select 1 from finding_draft f where f.scan_id = pc.scan_id and f.pack = pc.pack
                      and f.control_id = pc.control_id)
) j
