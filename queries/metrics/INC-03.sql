-- INC-03 Organisation victims: INC-01 crimes (reported_on in the period) whose
-- victim_type is not Individual.
with incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

final as (
  select count(*) as value
  from incidents
  where victim_type <> 'Individual'
)

select * from final
