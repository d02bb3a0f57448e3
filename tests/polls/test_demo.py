import pytest

from polls import demo, selectors
from polls.figures import yearly_figures
from polls.models import Poll, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    from branches import demo as branches_demo

    branches_demo.load()


def test_the_demo_has_two_closed_polls_of_2024_with_results_and_one_open_and_loads_once(registry):
    demo.load()
    closed = [p for p in Poll.objects.all() if p.is_closed]
    assert len(closed) == 2 and all(p.closes_at.year == 2024 and p.outcome_published_at for p in closed)
    assert len([p for p in Poll.objects.all() if p.is_open]) == 1
    pulse = Poll.objects.get(slug="pulse-2024")
    results = selectors.poll_results(pulse)
    assert results.invited > results.answered == 214
    assert results.any_suppressed  # the smallest branches' cells are hidden
    assert sum(f.value for f in yearly_figures(year=2024) if f.metric == "poll_answers") == 214 + 163
    count = Response.objects.count()
    demo.load()
    assert Response.objects.count() == count
