-- TRN-01 Events delivered: training rows with event_on in the period.
with training as (
  select * from stg_training
),

final as (
  select count(*) as value
  from training
  where event_on between $start and $end
)

select * from final
