-- Duty hours by volunteer ids that are not on the current roster: the hours count in
-- VOL-02 but the volunteer cannot count in VOL-01 or VOL-03.
with hours as (
  select * from stg_volunteer_hours
),

roster as (
  select * from stg_volunteers
),

final as (
  select hours.volunteer_id, count(*) as rows
  from hours
  where not exists (
    select 1 from roster where roster.force = hours.force and roster.volunteer_id = hours.volunteer_id
  )
  group by hours.volunteer_id
  order by rows desc, hours.volunteer_id
)

select * from final
