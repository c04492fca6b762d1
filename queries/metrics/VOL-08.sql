-- VOL-08 Volunteer hours by activity: sum of hours with deployed_on in the period (all
-- rows, as VOL-02) by activity, every activity of the volunteer_hours contract listed in
-- its order, zeros included, 1 dp.
with activities as (
  select sort_order, value as activity
  from ref_enum_values
  where dataset = 'volunteer_hours' and field = 'activity'
),

volunteer_hours as (
  select * from stg_volunteer_hours
  where deployed_on between $start and $end
),

totals as (
  select activities.sort_order, activities.activity, coalesce(sum(volunteer_hours.hours), 0) as hours
  from activities
  left join volunteer_hours on volunteer_hours.activity = activities.activity
  group by activities.sort_order, activities.activity
),

final as (
  select activity as key, round_half_up(hours, 1) as value
  from totals
  order by sort_order
)

select * from final
