-- Current actions (latest version of each key), as loaded and checked at ingest.
with actions as (
  select * from actions
),

final as (
  select * from actions
)

select * from final
