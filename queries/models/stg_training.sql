-- Current training (latest version of each key), as loaded and checked at ingest.
with training as (
  select * from training
),

final as (
  select * from training
)

select * from final
