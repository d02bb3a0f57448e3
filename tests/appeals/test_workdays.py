"""The answer period counts Kazakhstan's working days: the generated table the web reads
agrees with the `holidays` package it was made from, day by day."""

import datetime

import holidays
import pytest

from appeals import kz_calendar, workdays


def test_the_table_matches_the_pinned_holidays_package_for_every_day_it_covers():
    package = holidays.country_holidays("KZ", years=range(kz_calendar.FIRST_YEAR, kz_calendar.LAST_YEAR + 1))
    day = datetime.date(kz_calendar.FIRST_YEAR, 1, 1)
    differ = []
    while day.year <= kz_calendar.LAST_YEAR:
        if workdays.is_working_day(day) != package.is_working_day(day):
            differ.append(day.isoformat())
        day += datetime.timedelta(days=1)
    assert not differ, f"appeals/kz_calendar.py is out of date; run scripts/kz_calendar.py ({differ[:5]})"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (datetime.date(2024, 5, 4), True),  # a Saturday made a working day by decree
        (datetime.date(2024, 5, 8), False),  # the Wednesday it moved the day off onto
        (datetime.date(2024, 3, 21), False),  # Nauryz
        (datetime.date(2024, 3, 20), True),
        (datetime.date(2024, 3, 23), False),  # a plain Saturday
    ],
)
def test_decrees_holidays_and_weekends(day, working):
    assert workdays.is_working_day(day) is working


def test_years_beyond_the_table_ask_the_package():
    later = datetime.date(kz_calendar.LAST_YEAR + 1, 3, 23)  # Nauryz
    assert workdays.is_working_day(later) == holidays.country_holidays("KZ").is_working_day(later)


def test_a_web_worker_taking_an_appeal_does_not_load_the_holidays_package():
    import os
    import subprocess
    import sys

    # The whole web stack as a worker loads it, then an answer period counted.
    code = (
        "import datetime, sys, django\n"
        "django.setup()\n"
        "import unionportal.urls, appeals.views, appeals.admin, appeals.services\n"
        "from appeals.services.intake import due_date_for\n"
        "from django.utils import timezone\n"
        "due_date_for(timezone.now())\n"
        "print('holidays' in sys.modules)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionportal.settings", "DEBUG": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.strip().splitlines()[-1] == "False"
