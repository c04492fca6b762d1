-- INC-01 Crimes reported: incidents with reported_on in the period.
with incidents as (
  select * from stg_incidents
),

final as (
  select count(*) as value
  from incidents
  where reported_on between $start and $end
)

select * from final
