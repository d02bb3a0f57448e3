"""Demo figures: roll up the report's years and the current one from the other parts' demo
records (load_demo runs this last). Idempotent, as the rollup is."""

from reports.services import rollup_year
from reports.tasks import current_year

DEMO_YEARS = (2022, 2023, 2024)


def load(*, stdout=None) -> None:
    for year in sorted({*DEMO_YEARS, current_year()}):
        rows = rollup_year(year=year)
        if stdout is not None:
            stdout.write(f"    reports: {year}: {rows} figures")
