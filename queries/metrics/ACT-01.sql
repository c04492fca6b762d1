-- ACT-01 Open actions at as_of: actions whose status is not Complete or Closed and whose
-- raised_on <= as_of. Null when no action tracker has been loaded (no actions at all).
with actions as (
  select * from stg_actions
),

final as (
  select
    case when count(*) = 0 then null
         else count(*) filter (where status not in ('Complete', 'Closed') and raised_on <= $as_of)
    end as value
  from actions
)

select * from final
