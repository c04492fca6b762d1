-- INC-07 Judicial outcomes (%): of incidents with outcome_on in the period and an
-- outcome_code, the share with a judicial outcome (Home Office codes 1-8), 1 dp; null
-- when no incident had an outcome in the period. The codes are pinned here rather than
-- read from the editable reference flag, so the figure cannot drift from docs/metrics.md.
with incidents as (
  select * from stg_incidents
  where outcome_on between $start and $end
    and outcome_code is not null
),

counts as (
  select
    count(*) filter (where outcome_code between 1 and 8) as numerator,
    count(*) as denominator
  from incidents
),

final as (
  select percent_of(numerator, denominator, 1) as value, numerator, denominator
  from counts
)

select * from final
