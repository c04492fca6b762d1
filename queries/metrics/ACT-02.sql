-- ACT-02 Overdue actions at as_of: open actions (status not Complete or Closed, raised_on
-- <= as_of) with due_on < as_of. Null when no action tracker has been loaded (no actions
-- at all).
with actions as (
  select * from stg_actions
),

final as (
  select
    case when count(*) = 0 then null
         else count(*) filter (where status not in ('Complete', 'Closed') and raised_on <= $as_of and due_on < $as_of)
    end as value
  from actions
)

select * from final
