-- TRN-07 Events by audience: TRN-01 events (event_on in the period) by audience, every
-- audience of the training contract listed in its order, zeros included.
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
    count(training.event_id) as value
  from audiences
  left join training on training.audience = audiences.audience
  group by audiences.sort_order, audiences.audience
  order by audiences.sort_order
)

select * from final
