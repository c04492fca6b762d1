-- TRN-06 People reached by audience: sum of attendees over TRN-01 events (event_on in the
-- period) by audience, every audience of the training contract listed in its order, zeros
-- included; events is the number of those events per audience.
with audiences as (
  select sort_order, value as audience
  from ref_enum_values
  where dataset = 'training' and field = 'audience'
),

training as (
  select * from stg_training
  where event_on between $start and $end
),

final as (
  select
    audiences.audience as key,
    coalesce(sum(training.attendees), 0)::bigint as value,
    count(training.event_id) as events
  from audiences
  left join training on training.audience = audiences.audience
  group by audiences.sort_order, audiences.audience
  order by audiences.sort_order
)

select * from final
