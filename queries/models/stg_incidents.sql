-- Current cyber-dependent crimes (latest version of each crime reference), with the ONS
-- computer-misuse category and the outcome's judicial flag from reference data.
with incidents as (
  select * from incidents
),

categories as (
  select * from ref_nfib_codes
),

outcomes as (
  select * from ref_outcomes
),

final as (
  select
    incidents.*,
    categories.category,
    outcomes.label as outcome_label,
    coalesce(outcomes.judicial, false) as outcome_judicial
  from incidents
  left join categories on categories.code = incidents.nfib_code
  left join outcomes on outcomes.code = incidents.outcome_code
)

select * from final
