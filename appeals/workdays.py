"""Working days in Kazakhstan: the days an appeal's answer period counts.

Weekends, public holidays and the days off moved onto a weekday by a government decree are
skipped; a Saturday or Sunday made a working day by such a transfer counts. The `holidays`
package carries the decrees (its `KZ` calendar). For the years of appeals/kz_calendar.py the
portal reads that table, generated from the package by scripts/kz_calendar.py, so a web
worker does not import the package (about 11 MB of lunar calendars for a few hundred dates);
other years ask the package itself.
"""

import datetime
from functools import lru_cache

from appeals import kz_calendar

_DAYS_OFF = frozenset(map(datetime.date.fromisoformat, kz_calendar.DAYS_OFF))
_WEEKEND_WORKDAYS = frozenset(map(datetime.date.fromisoformat, kz_calendar.WEEKEND_WORKDAYS))


@lru_cache(maxsize=1)
def _package_calendar():
    import holidays

    # Years are added as dates are asked for (expand=True): one object serves every year.
    return holidays.country_holidays("KZ")


def is_working_day(day: datetime.date) -> bool:
    if not kz_calendar.FIRST_YEAR <= day.year <= kz_calendar.LAST_YEAR:
        return _package_calendar().is_working_day(day)
    if day.weekday() >= 5:
        return day in _WEEKEND_WORKDAYS
    return day not in _DAYS_OFF


@lru_cache(maxsize=4096)
def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (the day itself does not count, so an
    appeal received on a Saturday has its first day on Monday). Cached: an imported register
    has hundreds of appeals a day, and the calendar does not change while a process runs."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
