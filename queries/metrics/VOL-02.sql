-- VOL-02 Volunteer hours: sum of hours with deployed_on in the period (all rows, whether
-- or not the volunteer is on the roster), 1 dp.
with volunteer_hours as (
  select * from stg_volunteer_hours
  where deployed_on between $start and $end
),

totals as (
  select coalesce(sum(hours), 0) as hours
  from volunteer_hours
),

final as (
  select round_half_up(hours, 1) as value
  from totals
)

select * from final
