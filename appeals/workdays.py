"""Working days in Kazakhstan: the days an appeal's answer period counts.

Weekends, public holidays and the days off moved onto a weekday by a government decree are
skipped; a Saturday or Sunday made a working day by such a transfer counts. The `holidays`
package carries the decrees (its `KZ` calendar, `is_working_day`).
"""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=1)
def _calendar() -> holidays.HolidayBase:
    # Years are added as dates are asked for (expand=True): one object serves every year.
    return holidays.country_holidays("KZ")


def is_working_day(day: datetime.date) -> bool:
    return _calendar().is_working_day(day)


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
