-- INC-06 Median days to first contact: median of first_contact_on - reported_on in days
-- over INC-01 crimes that have a contact date (the mean of the two middle values for an
-- even count), 1 dp; null when no crime has a contact date. The denominator is the
-- number of crimes the median is taken over.
with incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

contacts as (
  select first_contact_on - reported_on as days_to_contact
  from incidents
  where first_contact_on is not null
),

final as (
  select
    round_half_up(median(days_to_contact), 1) as value,
    null::bigint as numerator,
    count(*) as denominator
  from contacts
)

select * from final
