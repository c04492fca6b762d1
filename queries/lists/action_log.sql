-- The action log: every action open at $as_of (status not Complete or Closed, raised on or
-- before $as_of, as ACT-01 counts them), and every action completed since the previous pack
-- (completed on or after $since, the first day of this pack's period, up to $as_of).
-- RAG comes from status and due date: Red when overdue (due before $as_of and open); Amber
-- when At risk, or Not started and due within 30 days; Green otherwise, completed included.
-- Overdue first (most days overdue first), then open by due date, then completed.
with actions as (
  select * from stg_actions
),

listed as (
  select
    *,
    status not in ('Complete', 'Closed') as is_open
  from actions
  where raised_on <= $as_of
    and (
      status not in ('Complete', 'Closed')
      or completed_on between $since and $as_of
    )
),

judged as (
  select
    action_id as reference,
    source,
    description,
    owner_role,
    strftime(raised_on, '%Y-%m-%d') as raised_on,
    strftime(due_on, '%Y-%m-%d') as due_on,
    strftime(completed_on, '%Y-%m-%d') as completed_on,
    status,
    case when is_open and due_on < $as_of then ($as_of - due_on)::integer end as days_overdue,
    case
      when not is_open then 'Green'
      when due_on < $as_of then 'Red'
      when status = 'At risk' then 'Amber'
      when status = 'Not started' and due_on <= $as_of + 30 then 'Amber'
      else 'Green'
    end as rag,
    is_open,
    due_on as due_date,
    completed_on as completed_date
  from listed
),

final as (
  select reference, source, description, owner_role, raised_on, due_on, completed_on, status, days_overdue, rag
  from judged
  order by
    days_overdue desc nulls last,
    is_open desc,
    due_date nulls last,
    completed_date,
    reference
)

select * from final
