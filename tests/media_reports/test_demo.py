import pytest
from django.urls import reverse
from django.utils import timezone

from branches import demo as branches_demo
from media_reports import demo, selectors
from media_reports.models import MediaAppearance, NewspaperSubscription, Speaker

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    branches_demo.load()
    demo.load()


def test_the_republican_press_counts_are_the_reports(demo_data):
    counts = {
        year: sum(f.value for f in selectors.yearly_figures(year=year) if f.metric == "press_republican")
        for year in (2022, 2023, 2024)
    }
    assert counts == {2022: 24, 2023: 27, 2024: 10}


def test_the_demo_runs_up_to_today_and_never_past_it(demo_data):
    this_year = timezone.localdate().year
    years = set(MediaAppearance.objects.values_list("date__year", flat=True))
    assert years == set(range(2022, this_year + 1))
    assert not MediaAppearance.objects.filter(date__gt=timezone.localdate()).exists()


def test_a_second_load_changes_nothing(demo_data):
    before = (MediaAppearance.objects.count(), NewspaperSubscription.objects.count(), Speaker.objects.count())
    links = MediaAppearance.speakers.through.objects.count()
    demo.load()
    assert (MediaAppearance.objects.count(), NewspaperSubscription.objects.count(), Speaker.objects.count()) == before
    assert MediaAppearance.speakers.through.objects.count() == links


def test_the_reports_four_broadcasts_are_there(demo_data):
    links = set(MediaAppearance.objects.exclude(link="").filter(date__year__lte=2024).values_list("date", "outlet__name", "programme__name", "link"))
    assert {(str(d), o, p, u) for d, o, p, u in links} == {
        ("2022-12-15", "YouTube-канал ФПРК", "Приоритеты", "https://www.facebook.com/share/p/VuDPvgEJc74RJoAH/"),
        ("2023-04-18", "1-Карагандинский", "Вадут", "https://youtu.be/q7xQNHFiueU"),
        ("2023-12-14", "YouTube-канал ФПРК", "Приоритеты", "https://youtu.be/c2BJZGYRWPw"),
        ("2024-08-30", "Новое телевидение", "Зеленая волна", "https://youtu.be/rUlsl2hpIZ4"),
    }
    green_wave = MediaAppearance.objects.get(programme__name="Зеленая волна", date__year=2024)
    assert sorted((s.name, s.organisation.slug) for s in green_wave.speakers.all()) == [
        ("Кашенова М.", "abai"),
        ("Хамитова Э.", "shet"),
    ]


def test_press_shows_the_2023_vadut_appearance_with_its_speaker_and_link(demo_data, client):
    response = client.get(reverse("media_reports:list"), {"year": 2023, "kind": "tv_broadcast"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Безопасность и охрана труда" in html
    assert "1-Карагандинский" in html
    assert "«Вадут»" in html
    assert "Ракишева А." in html
    assert 'href="https://youtu.be/q7xQNHFiueU"' in html


def test_every_organisation_subscribes_to_both_republican_papers_each_year(demo_data):
    papers = set(NewspaperSubscription.objects.values_list("outlet__name", flat=True))
    assert papers == {"Қазақстан кәсіподағы", "Білімді ел – Образованная страна"}
    this_year = timezone.localdate().year
    assert set(NewspaperSubscription.objects.values_list("year", flat=True)) == set(range(2022, this_year + 1))
    assert any(f.metric == "subscriptions_copies" and f.value > 0 for f in selectors.yearly_figures(year=2024))
