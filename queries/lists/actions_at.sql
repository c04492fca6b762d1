-- ACT-01 and ACT-02 as the tracker stood at an earlier date $as_of (the end of a comparison
-- period). Each action is read from the latest export loaded on or before that date or,
-- where none had been loaded by then, from the earliest export held. Open then: raised on or
-- before the date and not yet completed (completed after the date, or not Complete or
-- Closed; Complete or Closed with no completion date counts as done). Overdue then: open
-- with a due date before it. Null when no action tracker has been loaded.
with versions as (
  select * from stg_actions_versions
),

picked as (
  select *
  from versions
  qualify row_number() over (
    partition by force, action_id
    order by
      case when loaded_on <= $as_of then _load_id end desc nulls last,
      _load_id
  ) = 1
),

flags as (
  select
    raised_on <= $as_of
      and not (
        coalesce(completed_on <= $as_of, false)
        or (completed_on is null and status in ('Complete', 'Closed'))
      ) as is_open,
    due_on < $as_of as past_due
  from picked
),

final as (
  select
    case when count(*) = 0 then null else count(*) filter (where is_open) end as open_actions,
    case when count(*) = 0 then null else count(*) filter (where is_open and past_due) end as overdue_actions
  from flags
)

select * from final
