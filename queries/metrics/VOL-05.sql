-- VOL-05 Joiners: roster rows with joined_on in the period.
with volunteers as (
  select * from stg_volunteers
),

final as (
  select count(*) as value
  from volunteers
  where joined_on between $start and $end
)

select * from final
