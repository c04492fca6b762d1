-- INC-02 Crimes by category: INC-01 broken down by ONS computer-misuse category,
-- every category listed, zeros included.
with categories as (
  select distinct category from ref_nfib_codes
),

incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

final as (
  select categories.category as key, count(incidents.crime_ref) as value
  from categories
  left join incidents on incidents.category = categories.category
  group by categories.category
  order by lower(categories.category), categories.category
)

select * from final
