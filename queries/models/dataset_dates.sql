-- The date each loaded dataset's data runs to, its extract date. For the event datasets it
-- is the newest date in their records (for crimes, also contact and outcome dates): an
-- export cannot show what happened after it was taken. The roster and the action tracker
-- are lists as they stood when exported, so theirs is the day their latest export was
-- loaded. A dataset with nothing loaded has no row.
-- Reads the loaded tables, not the stg_ views (models are built in name order).
with crimes as (
  select * from incidents
),

hours as (
  select * from volunteer_hours
),

events as (
  select * from training
),

loads as (
  select * from ingested_files
),

record_dates as (
  select 'incidents' as dataset, greatest(max(reported_on), max(first_contact_on), max(outcome_on)) as extract_date from crimes
  union all
  select 'volunteer_hours', max(deployed_on) from hours
  union all
  select 'training', max(event_on) from events
),

export_dates as (
  select dataset, max(loaded_at)::date as extract_date
  from loads
  where dataset in ('volunteers', 'actions')
  group by dataset
),

final as (
  select dataset, extract_date, 'records' as basis from record_dates where extract_date is not null
  union all
  select dataset, extract_date, 'export loaded' as basis from export_dates
)

select * from final
