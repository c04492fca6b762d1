-- INC-05 Victim contact within 28 days (%): of INC-01 crimes, contacted = first contact
-- no more than 28 days after the report; eligible = contacted, or reported at least 28
-- days before the date the data is complete to: the as-of date, or the incidents' extract
-- date where that is earlier (a contact after the extract cannot be in it). Value = 100 x
-- contacted / eligible, 1 dp; null when none is eligible. Provisional while the period's
-- last crimes are less than 28 days old at that date: the figure can still change.
with incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

dates as (
  select least($as_of, coalesce((select extract_date from dataset_dates where dataset = 'incidents'), $as_of)) as complete_to
),

flags as (
  select
    coalesce(first_contact_on - reported_on <= 28, false) as contacted,
    reported_on + 28 <= complete_to as matured
  from incidents, dates
),

counts as (
  select
    count(*) filter (where contacted) as numerator,
    count(*) filter (where contacted or matured) as denominator
  from flags
),

final as (
  select
    percent_of(numerator, denominator, 1) as value,
    numerator,
    denominator,
    $end + 28 > (select complete_to from dates) as provisional
  from counts
)

select * from final
