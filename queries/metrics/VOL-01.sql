-- VOL-01 Active volunteers at period end: roster rows with joined_on <= end and
-- (left_on null or left_on > end). A volunteer leaving on the last day is not active.
with volunteers as (
  select * from stg_volunteers
),

final as (
  select count(*) as value
  from volunteers
  where joined_on <= $end
    and (left_on is null or left_on > $end)
)

select * from final
