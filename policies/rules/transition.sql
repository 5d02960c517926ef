-- Rule "transition" (Rijksbreed cloudbeleid 2026, section 1): a non-compliant resource or service
-- that existed before the pack's existing_before date is 'transition' until its deadline, or until the end of a
-- longer existing contract named in the register. Existence: the resource's creation time from
-- the provider, else its first sighting in the inventory; for account-level findings the
-- register's in_use_since, else the account's creation time, else its first sighting.
update finding set status = 'transition',
  deadline = coalesce((select rs.contract_end from register_service rs
                        where rs.scan_id = finding.scan_id and rs.provider = finding.provider
                          and rs.account_id = finding.account_id and rs.contract_end > :deadline), :deadline)
where scan_id = :scan_id and pack = :pack and control_id = :control_id and status = 'fail'
  and coalesce(
    (select coalesce(r.created_at, fr.first_seen) from resource r
       left join fact_resource fr on fr.resource_id = r.id where r.id = finding.resource_id),
    (select coalesce(rs.in_use_since, a.created_at) from account a
       left join register_service rs on rs.scan_id = a.scan_id and rs.provider = a.provider and rs.account_id = a.account_id
      where finding.resource_id is null and a.scan_id = finding.scan_id and a.provider = finding.provider
        and a.account_id = finding.account_id),
    (select min(s.started_at) from account a join scan s on s.id = a.scan_id
      where finding.resource_id is null and a.provider = finding.provider and a.account_id = finding.account_id)
  ) < :existing_before
