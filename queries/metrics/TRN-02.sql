-- TRN-02 People reached: sum of attendees over TRN-01 events (event_on in the period).
with training as (
  select * from stg_training
  where event_on between $start and $end
),

final as (
  select coalesce(sum(attendees), 0)::bigint as value
  from training
)

select * from final
