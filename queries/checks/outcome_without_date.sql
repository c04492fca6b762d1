-- Incidents with an outcome code but no outcome date: they cannot count in INC-07.
with incidents as (
  select * from stg_incidents
),

final as (
  select crime_ref, outcome_code
  from incidents
  where outcome_code is not null and outcome_on is null
  order by crime_ref
)

select * from final
