-- INC-04 Reported loss (£): sum of loss_gbp over INC-01 crimes (reported_on in the
-- period), a null loss counting as 0, 2 dp.
with incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

totals as (
  select coalesce(sum(coalesce(loss_gbp, 0)), 0) as loss_gbp
  from incidents
),

final as (
  select round_half_up(loss_gbp, 2) as value
  from totals
)

select * from final
