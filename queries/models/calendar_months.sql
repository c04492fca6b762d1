-- The period calendar: one row per calendar month from April 2015 to March 2036, with its
-- UK police financial year (April-March) and quarter (Q1 = April-June), named as the
-- --period option names them (2025-09, 2025-26-Q2, 2025-26). For monthly series and charts.
with months as (
  select cast(month_start as date) as month_start
  from generate_series(date '2015-04-01', date '2036-03-01', interval 1 month) as t(month_start)
),

labelled as (
  select
    month_start,
    cast(month_start + interval 1 month - interval 1 day as date) as month_end,
    strftime(month_start, '%Y-%m') as month_id,
    case when month(month_start) >= 4 then year(month_start) else year(month_start) - 1 end as fy_start_year,
    ((month(month_start) + 8) % 12) // 3 + 1 as quarter_number
  from months
),

final as (
  select
    month_start,
    month_end,
    month_id,
    format('{}-{:02d}', fy_start_year, (fy_start_year + 1) % 100) as financial_year,
    format('{}-{:02d}-Q{}', fy_start_year, (fy_start_year + 1) % 100, quarter_number) as financial_quarter
  from labelled
)

select * from final
