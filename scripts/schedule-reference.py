#!/usr/bin/env python3
"""Writes tests/schedule/reference-croniter.json: the run instants croniter gives for a table of
cron expressions in Europe/London, across both 2027 clock changes and the day-of-month /
day-of-week cases. The test suite reads the file and never runs this script; rerun it by hand
when the table changes:

    apt-get install python3-croniter     # Debian 12: croniter 1.3.5, pytz 2022.7.1
    /usr/bin/python3 scripts/schedule-reference.py

croniter is another project's implementation of the same cron rules (day of month OR day of
week when both are restricted), so agreement with it is evidence nobody here wrote.
"""
import json
import os
from datetime import datetime, timezone

from importlib.metadata import version

import pytz
from croniter import croniter

ZONE = 'Europe/London'
COUNT = 8

# (expression, start as a UTC instant): the next COUNT instants strictly after the start.
CASES = [
    # Every day, fixed times, around the clock changes of 28 March and 31 October 2027.
    ('30 2 * * *', '2027-03-25T12:00:00Z'),
    ('30 2 * * *', '2027-10-28T12:00:00Z'),
    ('30 1 * * *', '2027-10-28T12:00:00Z'),
    ('0 1 * * *', '2027-10-28T12:00:00Z'),
    ('59 0 * * *', '2027-10-28T12:00:00Z'),
    ('0 3 * * *', '2027-03-25T12:00:00Z'),
    ('15 0,12 * * *', '2027-03-26T00:00:00Z'),
    # Wildcard jobs: none in the gap, both times through the repeated hour.
    ('30 * * * *', '2027-03-28T00:00:00Z'),
    ('30 * * * *', '2027-10-30T23:00:00Z'),
    ('*/20 * * * *', '2027-03-28T00:30:00Z'),
    ('*/20 * * * *', '2027-10-31T00:10:00Z'),
    ('0 */2 * * *', '2027-03-27T20:00:00Z'),
    ('0 */2 * * *', '2027-10-30T20:00:00Z'),
    # Day of month and day of week: either, when both are restricted.
    ('0 0 13 * 5', '2027-07-30T00:00:00Z'),
    ('0 0 13 * 5', '2026-02-01T00:00:00Z'),
    ('30 2 1 * 1', '2027-03-20T00:00:00Z'),
    ('30 2 1,15 * sat', '2027-10-20T00:00:00Z'),
    ('0 9 1-7 * 1', '2027-06-01T00:00:00Z'),
    ('0 0 31 * 0', '2027-03-20T00:00:00Z'),
    ('0 6 28-31 2 mon', '2028-01-30T00:00:00Z'),
    ('0 0 13 * 5', '2027-10-01T00:00:00Z'),
    # Only one day field restricted: that field alone.
    ('0 0 13 * *', '2027-01-01T00:00:00Z'),
    ('0 0 * * 5', '2027-10-20T00:00:00Z'),
    ('0 9 * * mon-fri', '2027-03-24T00:00:00Z'),
    ('0 0 29 2 *', '2027-01-01T00:00:00Z'),
    ('30 1 29 3 *', '2027-01-01T00:00:00Z'),
    ('0 0 1 1 *', '2027-06-01T00:00:00Z'),
    ('0 12 1 */3 *', '2027-01-15T00:00:00Z'),
    ('0 0 * * 7', '2027-10-20T00:00:00Z'),
]

# Where croniter 1.3.5 and Vixie cron part company, on the clock-change days only. The file keeps
# croniter's answer with the reason; the test checks boardpack's own, worked out by hand, against
# Vixie's rule and that croniter's differs (so a croniter that comes round shows up).
DEPARTURES = [
    ('30 1 * * *', '2027-03-25T12:00:00Z',
     'croniter runs 01:30 on 28 March twice, at 00:30 GMT and 02:30 BST; Vixie cron runs a fixed-time job in the gap once, when the clocks have jumped (02:00 BST)'),
    ('59 0 * * *', '2027-03-25T12:00:00Z',
     'croniter adds a run at 23:59 BST on 28 March, an hour before the real 00:59 BST of 29 March'),
    ('30 * * * *', '2027-03-27T23:00:00Z',
     'croniter gives 00:30 GMT on 28 March twice'),
    ('*/15 1 * * *', '2027-10-30T23:00:00Z',
     'croniter runs a step job with a fixed hour only the first time through the repeated hour; Vixie cron runs a job whose minute or hour starts with * both times'),
]


def iso(moment):
    return moment.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def main():
    zone = pytz.timezone(ZONE)

    def next_runs(expression, start):
        base = datetime.strptime(start, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).astimezone(zone)
        runs = croniter(expression, base)
        return [iso(runs.get_next(datetime)) for _ in range(COUNT)]

    cases = [{'expression': e, 'after': start, 'next': next_runs(e, start)} for e, start in CASES]
    departures = [{'expression': e, 'after': start, 'next': next_runs(e, start), 'why': why} for e, start, why in DEPARTURES]
    out = {
        'implementation': 'croniter',
        'version': version('croniter'),
        'time_zone_data': f'pytz {version("pytz")} (tz database {pytz.OLSON_VERSION})',
        'installed_from': 'Debian 12 (bookworm) package python3-croniter',
        'timezone': ZONE,
        'generated_by': 'scripts/schedule-reference.py',
        'cases': cases,
        'departures': departures,
    }
    path = os.path.join(os.path.dirname(__file__), '..', 'tests', 'schedule', 'reference-croniter.json')
    with open(path + '.tmp', 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    os.replace(path + '.tmp', path)


main()
