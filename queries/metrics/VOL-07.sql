-- VOL-07 Vetting due: VOL-01 volunteers (active at period end) whose vetting_expires_on
-- <= end + 90 days, that is vetting expired or expiring within 90 days. A volunteer with
-- no expiry date recorded is not counted.
with volunteers as (
  select * from stg_volunteers
),

active as (
  select *
  from volunteers
  where joined_on <= $end
    and (left_on is null or left_on > $end)
),

final as (
  select count(*) as value
  from active
  where vetting_expires_on <= $end + 90
)

select * from final
