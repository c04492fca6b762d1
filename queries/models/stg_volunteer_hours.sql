-- Current volunteer_hours (latest version of each key), as loaded and checked at ingest.
with volunteer_hours as (
  select * from volunteer_hours
),

final as (
  select * from volunteer_hours
)

select * from final
