-- Every version of every action the tracker has held: the current rows and those a later
-- export replaced, each with the date its export was loaded. Joined to the ledger so a
-- rebuild pinned to an earlier snapshot sees only the loads it saw.
with versions as (
  select * from actions_versions
),

loads as (
  select load_id, loaded_at::date as loaded_on from ingested_files
),

final as (
  select versions.*, loads.loaded_on
  from versions
  join loads on versions._load_id = loads.load_id
)

select * from final
