-- INC-05 Victim contact within 28 days (%): of INC-01 crimes, contacted = first contact
-- no more than 28 days after the report; eligible = contacted, or reported at least 28
-- days before as_of. Value = 100 x contacted / eligible, 1 dp; null when none is eligible.
with incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

flags as (
  select
    coalesce(first_contact_on - reported_on <= 28, false) as contacted,
    reported_on + 28 <= $as_of as matured
  from incidents
),

counts as (
  select
    count(*) filter (where contacted) as numerator,
    count(*) filter (where contacted or matured) as denominator
  from flags
),

final as (
  select percent_of(numerator, denominator, 1) as value, numerator, denominator
  from counts
)

select * from final
