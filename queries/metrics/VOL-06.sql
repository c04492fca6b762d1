-- VOL-06 Leavers: roster rows with left_on in the period.
with volunteers as (
  select * from stg_volunteers
),

final as (
  select count(*) as value
  from volunteers
  where left_on between $start and $end
)

select * from final
