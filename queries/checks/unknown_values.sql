-- Optional values recorded as Unknown at ingest because the export used a value the
-- reference data does not know (for example an area spelled "Telford").
with warnings as (
  select * from data_quality_warnings
),

loads as (
  select * from ingested_files
),

final as (
  select warnings.dataset, warnings.field, warnings.raw_value, sum(warnings.rows)::integer as rows
  from warnings
  join loads on loads.load_id = warnings.load_id
  where warnings.kind = 'unknown_value'
  group by all
  order by warnings.dataset, warnings.field, rows desc, warnings.raw_value
)

select * from final
