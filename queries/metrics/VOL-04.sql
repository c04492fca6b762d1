-- VOL-04 Hours per active volunteer: VOL-02 (hours with deployed_on in the period) /
-- VOL-01 (active volunteers at period end), 1 dp; null when VOL-01 = 0. The unrounded
-- hours are divided and the result rounded once; numerator and denominator are the hours
-- (1 dp, as VOL-02) and the active volunteers (as VOL-01).
with volunteers as (
  select * from stg_volunteers
),

volunteer_hours as (
  select * from stg_volunteer_hours
),

hours as (
  select coalesce(sum(hours), 0) as hours
  from volunteer_hours
  where deployed_on between $start and $end
),

active as (
  select count(*) as volunteers
  from volunteers
  where joined_on <= $end
    and (left_on is null or left_on > $end)
),

final as (
  select
    round_half_up(hours.hours / nullif(active.volunteers, 0), 1) as value,
    round_half_up(hours.hours, 1) as numerator,
    active.volunteers as denominator
  from hours
  cross join active
)

select * from final
