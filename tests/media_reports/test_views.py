import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from media_reports.choices import AppearanceKind, OutletKind, OutletLevel
from media_reports.models import MediaAppearance
from tests.media_reports.factories import MediaAppearanceFactory, OutletFactory, ProgrammeFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("media_reports:list")


def _bulk_appearances(count: int, organisation, start: int = 0):
    """Rows with an outlet, a programme and a speaker each, made fast for the query-count tests."""
    programme = ProgrammeFactory(outlet=OutletFactory(name="Новое телевидение", kind=OutletKind.TV_CHANNEL))
    speaker = SpeakerFactory(organisation=organisation)
    rows = MediaAppearance.objects.bulk_create(
        MediaAppearance(
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            outlet=programme.outlet,
            programme=programme,
            kind=AppearanceKind.TV_BROADCAST,
            title=f"Выпуск {i}",
            organisation=organisation,
            link=f"https://youtu.be/abcdefghi{i % 100:02d}",
        )
        for i in range(start, start + count)
    )
    Through = MediaAppearance.speakers.through
    Through.objects.bulk_create(Through(mediaappearance_id=r.pk, speaker_id=speaker.pk) for r in rows)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_press_page_costs_the_same_queries_for_25_and_1000_rows(client, branch_a, django_assert_num_queries):
    _bulk_appearances(25, branch_a)  # two pages: the bounded count is asked for
    with_ten = _queries(client, LIST)
    _bulk_appearances(975, branch_a, start=25)
    with django_assert_num_queries(with_ten):
        client.get(LIST)
    with django_assert_num_queries(with_ten):
        client.get(LIST, {"year": 2021, "page": 2})


@pytest.mark.parametrize("page", ["press", "branch"])
def test_a_page_listing_appearances_reads_every_card_in_the_same_queries(client, branch_a, page):
    # The lists read only the columns a card shows: one it needs and left out would cost a
    # query per card, so the count would grow from one card to ten.
    url = LIST if page == "press" else reverse("branches:detail", args=[branch_a.slug])
    _bulk_appearances(1, branch_a)
    one = _queries(client, url)
    _bulk_appearances(9, branch_a, start=1)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    assert len(ctx.captured_queries) == one
    assert "Выпуск 9" in html and "Выпуск 5" in html and "Новое телевидение" in html
    if page == "press":
        speaker = MediaAppearance.objects.get(title="Выпуск 0").speakers.get()
        assert speaker.name in html and "youtube" in html


def test_the_admin_list_costs_the_same_queries_for_10_and_1000_rows(client, regional_staff, branch_a, django_assert_num_queries):
    client.force_login(regional_staff)
    url = reverse("admin:media_reports_mediaappearance_changelist")
    _bulk_appearances(10, branch_a)
    with_ten = _queries(client, url)
    _bulk_appearances(990, branch_a, start=10)
    with django_assert_num_queries(with_ten):
        client.get(url)


def test_the_press_page_filters_by_year_kind_and_level(client, branch_a):
    republican = OutletFactory(name="Қазақстан кәсіподағы", level=OutletLevel.REPUBLICAN)
    district = OutletFactory(name="Шет ақиқаты", level=OutletLevel.DISTRICT)
    MediaAppearanceFactory(title="Статья 2022 года", outlet=republican, date=datetime.date(2022, 6, 1), organisation=branch_a)
    MediaAppearanceFactory(title="Районная статья", outlet=district, date=datetime.date(2023, 6, 1), organisation=branch_a)
    MediaAppearanceFactory(
        title="Интервью 2023 года", kind=AppearanceKind.INTERVIEW, outlet=republican, date=datetime.date(2023, 7, 1), organisation=branch_a
    )

    html = client.get(LIST, {"year": 2022}).content.decode()
    assert "Статья 2022 года" in html and "Районная статья" not in html

    html = client.get(LIST, {"kind": "interview"}).content.decode()
    assert "Интервью 2023 года" in html and "Статья 2022 года" not in html

    html = client.get(LIST, {"level": "district"}).content.decode()
    assert "Районная статья" in html and "Интервью 2023 года" not in html


def test_a_forged_filter_shows_the_whole_list_rather_than_an_error(client, branch_a):
    MediaAppearanceFactory(title="Видна всегда", organisation=branch_a)
    response = client.get(LIST, {"year": "abc", "kind": "<script>", "page": "999"})
    assert response.status_code == 200
    assert "Видна всегда" in response.content.decode()


def test_past_a_thousand_the_press_page_says_more_than_a_thousand(client, branch_a):
    _bulk_appearances(1005, branch_a)
    html = client.get(LIST).content.decode()
    found = html.split('<p class="meta">')[1].split("</p>")[0].replace("\xa0", "").replace(" ", "")
    assert "1000" in found and "1005" not in found
    assert html.count('class="card appearance"') == 20
    html = client.get(LIST, {"page": 51}).content.decode()  # past the cap the pages go on
    assert html.count('class="card appearance"') == 5


def test_the_press_page_is_paginated(client, branch_a):
    _bulk_appearances(45, branch_a)
    html = client.get(LIST).content.decode()
    assert html.count('class="card appearance"') == 20
    assert "page=2" in html
    html = client.get(LIST, {"page": 3}).content.decode()
    assert html.count('class="card appearance"') == 5


def test_a_video_shows_a_local_poster_and_loads_nothing_from_outside(client, branch_a):
    MediaAppearanceFactory(
        title="Зеленая волна", kind=AppearanceKind.TV_BROADCAST, link="https://youtu.be/rUlsl2hpIZ4", organisation=branch_a
    )
    html = client.get(LIST).content.decode()
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/rUlsl2hpIZ4' in html
    assert 'href="https://youtu.be/rUlsl2hpIZ4"' in html  # without JS: a plain link
    assert "<iframe" not in html
    assert "img.youtube.com" not in html and "ytimg" not in html
    assert "media_reports/video-poster.js" in html


def test_the_detail_page_shows_everything_about_an_appearance(client, branch_a):
    speaker = SpeakerFactory(name="Ракишева А.", role="Председатель", organisation=branch_a)
    appearance = MediaAppearanceFactory(
        title="Безопасность и охрана труда",
        kind=AppearanceKind.TV_BROADCAST,
        programme=ProgrammeFactory(name="Вадут"),
        duration_minutes=25,
        audience_estimate=12000,
        audience_source="данные телеканала",
        link="https://youtu.be/q7xQNHFiueU",
        organisation=branch_a,
        speakers=[speaker],
    )
    html = client.get(reverse("media_reports:detail", args=[appearance.pk])).content.decode()
    for text in ("Безопасность и охрана труда", "«Вадут»", "Ракишева А.", "Председатель", "Филиал А", "данные телеканала", "q7xQNHFiueU"):
        assert text in html


def test_an_unknown_appearance_is_404(client, db):
    assert client.get(reverse("media_reports:detail", args=[999])).status_code == 404


def test_the_admin_flags_a_dead_link(client, regional_staff, branch_a):
    MediaAppearanceFactory(title="Мёртвая ссылка", link="https://example.com/gone", link_failures=3, organisation=branch_a)
    MediaAppearanceFactory(title="Живая ссылка", link="https://example.com/ok", organisation=branch_a)
    client.force_login(regional_staff)
    url = reverse("admin:media_reports_mediaappearance_changelist")
    html = client.get(url).content.decode()
    assert html.count('class="dead-link"') == 1
    response = client.get(url, {"dead_link": "yes"})
    assert [a.title for a in response.context["cl"].queryset] == ["Мёртвая ссылка"]


def test_the_link_checker_finds_media_appearances():
    from branches.linkcheck import link_check_models

    assert MediaAppearance in link_check_models()


def test_a_branch_editor_adds_an_appearance_with_a_pasted_link_in_the_admin(client, editor_a, branch_a):
    outlet = OutletFactory(name="Новое телевидение", kind=OutletKind.TV_CHANNEL)
    client.force_login(editor_a)
    response = client.post(
        reverse("admin:media_reports_mediaappearance_add"),
        {
            "date": "2024-08-30",
            "outlet": outlet.pk,
            "kind": "tv_broadcast",
            "title": "О работе профсоюза",
            "organisation": branch_a.pk,
            "language": "ru",
            "link": "https://youtu.be/rUlsl2hpIZ4?si =vIzx0LyNKOseW6ri",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert MediaAppearance.objects.get().link == "https://youtu.be/rUlsl2hpIZ4?si=vIzx0LyNKOseW6ri"


def test_the_dashboards_links_into_the_admin_lists_work(client, regional_staff, branch_a, branch_b):
    """The reports part links figures to these lists with these lookups."""
    MediaAppearanceFactory(title="Наша", organisation=branch_a, date=datetime.date(2023, 2, 2))
    MediaAppearanceFactory(title="Чужая", organisation=branch_b, date=datetime.date(2023, 2, 2))
    client.force_login(regional_staff)
    url = reverse("admin:media_reports_mediaappearance_changelist")
    response = client.get(url, {"date__year": 2023, "organisation__id__in": str(branch_a.pk), "kind__exact": "article", "outlet__level__exact": "regional"})
    assert response.status_code == 200
    assert [a.title for a in response.context["cl"].queryset] == ["Наша"]
    url = reverse("admin:media_reports_newspapersubscription_changelist")
    assert client.get(url, {"year__exact": 2024, "organisation__id__in": str(branch_a.pk)}).status_code == 200


def test_the_admin_list_links_to_import_and_export(client, editor_a, chair):
    url = reverse("admin:media_reports_mediaappearance_changelist")
    client.force_login(editor_a)
    html = client.get(url).content.decode()
    importing = reverse("admin:media_reports_mediaappearance_spreadsheet_import")
    assert importing in html and reverse("media_reports:export") in html
    client.force_login(chair)
    html = client.get(url).content.decode()
    assert importing not in html and reverse("media_reports:export") in html


def test_the_speaker_filter_offers_only_the_editors_organisations(client, editor_a, branch_a, branch_b):
    SpeakerFactory(organisation=branch_a)
    SpeakerFactory(organisation=branch_b)
    client.force_login(editor_a)
    response = client.get(reverse("admin:media_reports_speaker_changelist"))
    assert response.status_code == 200
    assert branch_a.name_ru in response.content.decode()
    assert branch_b.name_ru not in response.content.decode()
