-- TRN-04 Volunteer-supported events (%): TRN-01 events (event_on in the period) with a
-- non-empty volunteer_ids list or delivered_by = Volunteer, as a share of TRN-01, 1 dp;
-- null when there were no events.
with training as (
  select * from stg_training
  where event_on between $start and $end
),

flags as (
  select
    coalesce(len(volunteer_ids), 0) > 0
      or coalesce(delivered_by = 'Volunteer', false) as volunteer_supported
  from training
),

counts as (
  select
    count(*) filter (where volunteer_supported) as numerator,
    count(*) as denominator
  from flags
),

final as (
  select percent_of(numerator, denominator, 1) as value, numerator, denominator
  from counts
)

select * from final
