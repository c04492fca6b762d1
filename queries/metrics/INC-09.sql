-- INC-09 Crimes by victim type: INC-01 broken down by victim_type, all six victim types
-- of the incidents contract listed in its order, zeros included.
with victim_types as (
  select sort_order, value as victim_type
  from ref_enum_values
  where dataset = 'incidents' and field = 'victim_type'
),

incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

final as (
  select victim_types.victim_type as key, count(incidents.crime_ref) as value
  from victim_types
  left join incidents on incidents.victim_type = victim_types.victim_type
  group by victim_types.sort_order, victim_types.victim_type
  order by victim_types.sort_order
)

select * from final
