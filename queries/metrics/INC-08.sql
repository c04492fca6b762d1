-- INC-08 Repeat victims (%): of INC-01 crimes (reported_on in the period) with a
-- non-null repeat_victim, the share that are repeat victims, 1 dp; null when none has
-- repeat_victim recorded.
with incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

counts as (
  select
    count(*) filter (where repeat_victim) as numerator,
    count(*) filter (where repeat_victim is not null) as denominator
  from incidents
),

final as (
  select percent_of(numerator, denominator, 1) as value, numerator, denominator
  from counts
)

select * from final
