-- INC-04 Reported loss (£): sum of loss_gbp over INC-01 crimes (reported_on in the
-- period), a null loss counting as 0, 2 dp. The denominator is the number of those
-- crimes with a loss above £0: the crimes the sum is made of, so that the public
-- edition can suppress a sum made of fewer than 5 crimes' losses (docs/metrics.md).
with incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

totals as (
  select
    coalesce(sum(coalesce(loss_gbp, 0)), 0) as loss_gbp,
    count(*) filter (where loss_gbp > 0) as crimes_with_loss
  from incidents
),

final as (
  select
    round_half_up(loss_gbp, 2) as value,
    null::bigint as numerator,
    crimes_with_loss as denominator
  from totals
)

select * from final
