import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.models import YearlyFigure
from reports.services import rollup_year
from tests.branches.factories import PrimaryOrganisationFactory
from unionportal.figures import Figure, registry

pytestmark = pytest.mark.django_db


def stored(year):
    return sorted(YearlyFigure.objects.filter(year=year).values_list("organisation_id", "metric", "dimension", "value"))


def test_it_stores_each_branchs_figures_with_its_primaries_summed_in(fake_sources, join, branch_a, branch_b):
    school = PrimaryOrganisationFactory(parent=branch_a)
    join(branch_a, dt.datetime(2023, 3, 1, 12))
    join(school, dt.datetime(2023, 5, 1, 12))
    join(school, dt.datetime(2023, 6, 1, 12))
    join(branch_b, dt.datetime(2023, 7, 1, 12))
    join(branch_b, dt.datetime(2022, 7, 1, 12))

    rows = rollup_year(year=2023)

    assert rows == 4
    assert stored(2023) == sorted(
        [
            (branch_a.pk, "publications", "total", 3.0),
            (branch_a.pk, "publications", "channel:facebook", 3.0),
            (branch_b.pk, "publications", "total", 1.0),
            (branch_b.pk, "publications", "channel:facebook", 1.0),
        ]
    )
    assert not YearlyFigure.objects.filter(organisation=school).exists()


def test_running_it_twice_gives_the_same_rows(fake_sources, join, branch_a, branch_b):
    join(branch_a, dt.datetime(2023, 3, 1, 12))
    join(branch_b, dt.datetime(2023, 4, 1, 12))
    rollup_year(year=2023)
    first = stored(2023)

    rollup_year(year=2023)

    assert stored(2023) == first
    assert YearlyFigure.objects.filter(year=2023).count() == 4


def test_a_second_run_drops_figures_whose_records_are_gone(fake_sources, join, branch_a, branch_b):
    join(branch_a, dt.datetime(2023, 3, 1, 12))
    gone = join(branch_b, dt.datetime(2023, 4, 1, 12))
    rollup_year(year=2023)
    type(gone).objects.filter(pk=gone.pk).update(date_joined=timezone.now().replace(year=2020))

    rollup_year(year=2023)

    assert {row[0] for row in stored(2023)} == {branch_a.pk}


def test_it_leaves_other_years_alone(fake_sources, join, branch_a):
    join(branch_a, dt.datetime(2022, 3, 1, 12))
    join(branch_a, dt.datetime(2023, 3, 1, 12))
    rollup_year(year=2022)

    rollup_year(year=2023)

    assert stored(2022) == [
        (branch_a.pk, "publications", "channel:facebook", 1.0),
        (branch_a.pk, "publications", "total", 1.0),
    ]


@pytest.mark.parametrize("active_zone", ["UTC", "Asia/Almaty", "America/New_York"])
def test_a_record_at_half_past_eleven_on_31_december_belongs_to_that_year(fake_sources, join, branch_a, active_zone):
    join(branch_a, dt.datetime(2023, 12, 31, 23, 30))  # 18:30 UTC
    join(branch_a, dt.datetime(2024, 1, 1, 0, 30))  # still 31 December in UTC

    # Whatever zone the caller has active, years are counted in Asia/Almaty.
    with timezone.override(active_zone):
        rollup_year(year=2023)
        rollup_year(year=2024)

    totals = dict(YearlyFigure.objects.filter(metric="publications", dimension="total").values_list("year", "value"))
    assert totals == {2023: 1, 2024: 1}


def test_a_broken_source_fails_the_rollup_and_keeps_the_stored_year(fake_sources, join, branch_a):
    join(branch_a, dt.datetime(2023, 3, 1, 12))
    rollup_year(year=2023)
    before = stored(2023)

    with registry.replaced(fake_sources.SOURCE, fake_sources.BROKEN), pytest.raises(RuntimeError, match="broken"):
        rollup_year(year=2023)

    assert stored(2023) == before


def test_every_app_with_yearly_figures_is_a_registered_source():
    from django.apps import apps

    registered = {source.name for source in registry.sources()}
    with_figures = {config.label for config in apps.get_app_configs() if config.module.__name__ in registered}
    assert registered >= {"branches", "publications", "appeals", "media_reports", "giveaways"}
    assert with_figures == registered


def test_it_never_sums_medians_or_percentages(fake_sources, branch_a, branch_b):
    school_1 = PrimaryOrganisationFactory(parent=branch_a)
    school_2 = PrimaryOrganisationFactory(parent=branch_a)
    school_3 = PrimaryOrganisationFactory(parent=branch_b)
    fake_sources.MEASURES.extend(
        [
            Figure(branch_a.pk, "appeals_median_hours", "total", 30.0),
            Figure(school_1.pk, "appeals_median_hours", "total", 10.0),
            Figure(school_1.pk, "appeals_satisfaction_pct", "total", 80.0),
            Figure(school_2.pk, "appeals_satisfaction_pct", "total", 60.0),
            Figure(school_3.pk, "appeals_satisfaction_pct", "total", 90.0),
        ]
    )

    rollup_year(year=2023)

    values = {(o, m): v for o, m, _d, v in stored(2023)}
    # The branch's own median stands; two primaries' percentages cannot be combined; a
    # lone primary's is its branch's.
    assert values == {
        (branch_a.pk, "appeals_median_hours"): 30.0,
        (branch_b.pk, "appeals_satisfaction_pct"): 90.0,
    }


def test_the_command_recomputes_the_year_it_is_given(fake_sources, join, branch_a, capsys):
    join(branch_a, dt.datetime(2023, 3, 1, 12))

    call_command("rollup_year", "2023")
    call_command("rollup_year", "2023")

    assert "2023: 2 figures stored." in capsys.readouterr().out
    assert YearlyFigure.objects.filter(year=2023).count() == 2


def test_the_command_refuses_a_year_out_of_range(fake_sources):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rollup_year", "1066")


def test_the_nightly_task_rolls_up_the_current_year_and_the_january_one_the_last(
    fake_sources, join, branch_a, monkeypatch
):
    from reports import tasks

    join(branch_a, dt.datetime(2023, 6, 1, 12))
    join(branch_a, dt.datetime(2024, 6, 1, 12))
    monkeypatch.setattr(tasks, "current_year", lambda: 2024)

    tasks.rollup_current_year.delay()
    assert set(YearlyFigure.objects.values_list("year", flat=True)) == {2024}

    tasks.settle_previous_year.delay()
    assert set(YearlyFigure.objects.values_list("year", flat=True)) == {2023, 2024}
