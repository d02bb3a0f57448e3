"""The yearly figures polls hand to the rollups: polls held (closed in the year), answers."""

import datetime

from django.utils import timezone

from polls.figures import yearly_figures
from reports import services as report_services
from reports.models import YearlyFigure
from tests.polls.factories import answer, make_poll


def _poll_of(year, org, units, slug, answers=0):
    poll = make_poll(organisation=org, units=units, slug=slug)
    for _i in range(answers):
        answer(poll, unit=units[0])
    tz = timezone.get_current_timezone()
    poll.opens_at = datetime.datetime(year, 3, 1, 9, 0, tzinfo=tz)
    poll.closes_at = datetime.datetime(year, 3, 15, 18, 0, tzinfo=tz)
    poll.save()
    return poll


def test_polls_count_in_the_year_they_closed_with_their_answers(regional_org, branch_a):
    _poll_of(2024, regional_org, [branch_a], "a", answers=3)
    _poll_of(2024, branch_a, [branch_a], "b", answers=1)
    _poll_of(2023, regional_org, [branch_a], "c", answers=2)
    figures = {(f.organisation_id, f.metric): f.value for f in yearly_figures(year=2024)}
    assert figures == {
        (regional_org.pk, "polls"): 1,
        (regional_org.pk, "poll_answers"): 3,
        (branch_a.pk, "polls"): 1,
        (branch_a.pk, "poll_answers"): 1,
    }


def test_the_rollup_stores_the_polls_figures(regional_org, branch_a):
    _poll_of(2024, regional_org, [branch_a], "a", answers=2)
    report_services.rollup_year(year=2024)
    assert YearlyFigure.objects.get(year=2024, metric="poll_answers", organisation=regional_org).value == 2
