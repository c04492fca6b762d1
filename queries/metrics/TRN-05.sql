-- TRN-05 Satisfaction: attendee-weighted mean of satisfaction_avg over TRN-01 events
-- (event_on in the period) that have one, weight = attendees, 2 dp; null when the total
-- weight is 0. The denominator is that total weight (attendees at scored events).
with training as (
  select * from stg_training
  where event_on between $start and $end
),

scored as (
  select satisfaction_avg, attendees
  from training
  where satisfaction_avg is not null
),

totals as (
  select
    sum(satisfaction_avg * attendees) as weighted_score,
    coalesce(sum(attendees), 0)::bigint as weight
  from scored
),

final as (
  select
    round_half_up(weighted_score / nullif(weight, 0), 2) as value,
    round_half_up(weighted_score, 2) as numerator,
    weight as denominator
  from totals
)

select * from final
