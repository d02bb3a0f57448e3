import threading

import pytest
from django.db import connection

from reports.models import YearlyFigure
from reports.services import rollup_year
from tests.reports import slow_source
from unionportal.figures import registry


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers by itself")
def test_two_rollups_of_one_year_at_once_wait_for_each_other(transactional_db, request, monkeypatch, branch_a, branch_b):
    stack = registry.replaced(slow_source.SOURCE)
    stack.__enter__()
    request.addfinalizer(lambda: stack.__exit__(None, None, None))
    monkeypatch.setattr(slow_source, "ORGANISATION_IDS", [branch_a.pk, branch_b.pk])
    rollup_year(year=2023)
    errors = []

    def run():
        try:
            rollup_year(year=2023)
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Without the lock on the year's Rollup row, the second would insert over the first's
    # rows and fail on the unique constraint.
    assert errors == []
    assert YearlyFigure.objects.filter(year=2023).count() == 2
