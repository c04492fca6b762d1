-- Datasets whose newest record is older than the allowed age at as_of: the pack may be
-- reporting on an export that has not been refreshed.
with newest as (
  select 'incidents' as dataset, max(reported_on) as newest_record from stg_incidents
  union all select 'volunteer_hours', max(deployed_on) from stg_volunteer_hours
  union all select 'training', max(event_on) from stg_training
),

final as (
  select dataset, newest_record, ($as_of - newest_record)::integer as age_days, $max_age_days as max_age_days
  from newest
  where newest_record is null or $as_of - newest_record > $max_age_days
  order by dataset
)

select * from final
