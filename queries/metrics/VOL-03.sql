-- VOL-03 Deployment rate (%): VOL-01 volunteers (active at period end) with at least one
-- deployment (volunteer_hours row) with deployed_on in the period, as a share of VOL-01,
-- 1 dp; null when VOL-01 = 0. Volunteer IDs are unique within a force only, so a volunteer
-- is (force, volunteer_id): in a regional view CV0001 of two forces is two people.
with volunteers as (
  select * from stg_volunteers
),

volunteer_hours as (
  select * from stg_volunteer_hours
),

active as (
  select force, volunteer_id
  from volunteers
  where joined_on <= $end
    and (left_on is null or left_on > $end)
),

deployed as (
  select distinct force, volunteer_id
  from volunteer_hours
  where deployed_on between $start and $end
),

counts as (
  select
    count(deployed.volunteer_id) as numerator,
    count(*) as denominator
  from active
  left join deployed on deployed.force = active.force and deployed.volunteer_id = active.volunteer_id
),

final as (
  select percent_of(numerator, denominator, 1) as value, numerator, denominator
  from counts
)

select * from final
