-- INC-10 Outcomes by group: incidents with outcome_on in the period and an outcome_code,
-- grouped as judicial (codes 1-8), evidential difficulties (14-16), investigation
-- complete with no suspect (18), filed by NFIB (19) and other outcomes (9-13, 17, 20-22);
-- every group listed, zeros included. The codes are pinned here, as in INC-07.
with outcome_groups as (
  select * from (
    values
      (1, 'Judicial (1-8)'),
      (2, 'Evidential difficulties (14-16)'),
      (3, 'Investigation complete, no suspect (18)'),
      (4, 'Filed by NFIB (19)'),
      (5, 'Other outcomes')
  ) as t(sort_order, outcome_group)
),

incidents as (
  select * from stg_incidents
  where outcome_on between $start and $end
    and outcome_code is not null
),

grouped as (
  select
    crime_ref,
    case
      when outcome_code between 1 and 8 then 'Judicial (1-8)'
      when outcome_code between 14 and 16 then 'Evidential difficulties (14-16)'
      when outcome_code = 18 then 'Investigation complete, no suspect (18)'
      when outcome_code = 19 then 'Filed by NFIB (19)'
      else 'Other outcomes'
    end as outcome_group
  from incidents
),

final as (
  select outcome_groups.outcome_group as key, count(grouped.crime_ref) as value
  from outcome_groups
  left join grouped on grouped.outcome_group = outcome_groups.outcome_group
  group by outcome_groups.sort_order, outcome_groups.outcome_group
  order by outcome_groups.sort_order
)

select * from final
