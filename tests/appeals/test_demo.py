import pytest

from appeals import demo
from appeals.models import Appeal, FaqEntry
from appeals.selectors import yearly_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    from branches import demo as branches_demo

    branches_demo.load()


def test_the_demo_has_the_reports_1358_appeals_in_2023_mostly_by_whatsapp_with_fake_contacts_and_loads_once(registry):
    demo.load()
    figures = yearly_figures(year=2023)
    total = sum(f.value for f in figures if f.metric == "appeals" and f.dimension == "total")
    assert total == 1358
    by_channel = {}
    for f in figures:
        if f.metric == "appeals" and f.dimension.startswith("channel:"):
            by_channel[f.dimension] = by_channel.get(f.dimension, 0) + f.value
    assert max(by_channel, key=by_channel.get) == "channel:whatsapp"
    assert FaqEntry.objects.filter(is_published=True).exists()
    count = Appeal.objects.count()
    demo.load()
    assert Appeal.objects.count() == count

    # Demo personal data is obviously fake.
    emails = set(Appeal.objects.exclude(email="").values_list("email", flat=True))
    assert emails and all(e.endswith("@example.invalid") for e in emails)
    assert all(p.startswith("+7000") for p in Appeal.objects.exclude(phone="").values_list("phone", flat=True))


def test_the_demo_runs_up_to_today_with_the_last_days_still_open(registry):
    import datetime

    from django.utils import timezone

    from appeals.choices import Status

    demo.load()
    this_year = timezone.localdate().year
    years = set(Appeal.objects.values_list("received_at__year", flat=True))
    assert years == set(range(2022, this_year + 1))
    now = timezone.now()
    assert not Appeal.objects.filter(received_at__gt=now).exists()
    assert not Appeal.objects.filter(closed_at__gt=now).exists()
    recent = Appeal.objects.filter(received_at__gt=now - datetime.timedelta(days=10))
    assert recent.exists()
    assert not recent.filter(status=Status.CLOSED).exists()
