"""Demo figures: roll up every year from the report's first (2022) to the current one from
the other parts' demo records (load_demo runs this last). Idempotent, as the rollup is."""

from reports.services import rollup_year
from reports.tasks import current_year

FIRST_DEMO_YEAR = 2022


def load(*, stdout=None) -> None:
    # Every year up to now, so the dashboard's three columns are filled whichever year is
    # chosen (the giveaways run from 2024 to this week).
    for year in range(FIRST_DEMO_YEAR, max(current_year(), 2024) + 1):
        rows = rollup_year(year=year)
        if stdout is not None:
            stdout.write(f"    reports: {year}: {rows} figures")
