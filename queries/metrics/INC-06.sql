-- INC-06 Median days to first contact: median of first_contact_on - reported_on in days
-- over INC-01 crimes that have a contact date (the mean of the two middle values for an
-- even count), 1 dp; null when no crime has a contact date. The denominator is the
-- number of crimes the median is taken over. Provisional while the period's last crimes are
-- less than 28 days old at the date the data is complete to (the as-of date, or the crime
-- export's date where earlier): crimes contacted later are not in it yet.
with incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

contacts as (
  select first_contact_on - reported_on as days_to_contact
  from incidents
  where first_contact_on is not null
),

dates as (
  select least($as_of, coalesce((select extract_date from dataset_dates where dataset = 'incidents'), $as_of)) as complete_to
),

final as (
  select
    round_half_up(median(days_to_contact), 1) as value,
    null::bigint as numerator,
    count(*) as denominator,
    $end + 28 > (select complete_to from dates) as provisional
  from contacts
)

select * from final
