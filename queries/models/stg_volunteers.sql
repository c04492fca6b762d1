-- Current volunteers (latest version of each key), as loaded and checked at ingest.
with volunteers as (
  select * from volunteers
),

final as (
  select * from volunteers
)

select * from final
