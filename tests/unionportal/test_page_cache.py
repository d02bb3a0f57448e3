"""Anonymous public pages come from the cache, and a write through a service makes the page
that shows it fresh at the next request (versioned keys per part, bumped on commit)."""


import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from appeals.models import FaqEntry
from giveaways import services as giveaway_services
from publications import services as publication_services
from tests.giveaways.factories import make_giveaway
from tests.media_reports.factories import MediaAppearanceFactory
from tests.publications.factories import PublicationFactory
from unionportal import caching

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


def _twice_from_cache(client, url, django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    return second.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/", "/news/", "/press/", "/giveaways/", "/branches/", "/appeal/faq/", "/kk/news/", "/en/press/"],
)
def test_every_public_list_is_served_from_the_cache_without_a_query(url, django_assert_num_queries):
    _twice_from_cache(Client(), url, django_assert_num_queries)


def test_a_news_item_and_a_branch_page_are_served_from_the_cache(branch_a, django_assert_num_queries):
    publication = PublicationFactory(organisation=branch_a, title="Встреча с педагогами")
    body = _twice_from_cache(Client(), reverse("publications:detail", args=[publication.pk]), django_assert_num_queries)
    assert "Встреча с педагогами" in body
    _twice_from_cache(Client(), reverse("branches:detail", args=[branch_a.slug]), django_assert_num_queries)


def test_editing_a_publication_refreshes_the_news_list_and_its_page_at_once(
    branch_a, regional_staff, django_capture_on_commit_callbacks
):
    publication = PublicationFactory(organisation=branch_a, title="Старый заголовок")
    client = Client()
    detail = reverse("publications:detail", args=[publication.pk])
    assert "Старый заголовок" in client.get("/news/").content.decode()
    assert "Старый заголовок" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.publication_update(publication=publication, user=regional_staff, title="Новый заголовок")
    for url in ("/news/", detail, "/"):
        body = client.get(url).content.decode()
        assert "Новый заголовок" in body and "Старый заголовок" not in body, url


def test_a_new_publication_shows_on_the_branch_page_at_once(branch_a, regional_staff, django_capture_on_commit_callbacks):
    client = Client()
    page = reverse("branches:detail", args=[branch_a.slug])
    assert "Субботник в школе" not in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        PublicationFactory(organisation=branch_a, title="Субботник в школе")
    assert "Субботник в школе" in client.get(page).content.decode()


def test_editing_an_appearance_refreshes_press(branch_a, django_capture_on_commit_callbacks):
    appearance = MediaAppearanceFactory(organisation=branch_a, title="Интервью председателя")
    client = Client()
    assert "Интервью председателя" in client.get("/press/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        # What the admin's change view does (in its own transaction; there is no update
        # service for an appearance: the admin's ModelForm is the path).
        appearance.title = "Репортаж о конкурсе"
        with transaction.atomic():
            appearance.save()
    body = client.get("/press/").content.decode()
    assert "Репортаж о конкурсе" in body and "Интервью председателя" not in body


def test_cancelling_a_giveaway_refreshes_its_page(branch_a, django_capture_on_commit_callbacks):
    giveaway = make_giveaway(organisation=branch_a, title="Розыгрыш термокружек")
    client = Client()
    url = reverse("giveaways:detail", args=[giveaway.pk])
    before = client.get(url).content.decode()
    assert "Ремонт в актовом зале" not in before
    with django_capture_on_commit_callbacks(execute=True):
        giveaway_services.giveaway_cancel(giveaway=giveaway, reason="Ремонт в актовом зале")
    assert "Ремонт в актовом зале" in client.get(url).content.decode()


def test_publishing_a_faq_entry_refreshes_the_faq(django_capture_on_commit_callbacks):
    client = Client()
    assert "Сколько дней отпуска у педагога?" not in client.get("/appeal/faq/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        FaqEntry.objects.create(
            topic="other", question_ru="Сколько дней отпуска у педагога?", answer_ru="56 календарных дней.", is_published=True
        )
    assert "Сколько дней отпуска у педагога?" in client.get("/appeal/faq/").content.decode()


def test_a_write_rolled_back_leaves_the_cached_page(branch_a, django_assert_num_queries):
    client = Client()
    client.get("/news/")
    versions = caching.part_versions(["publications"])
    caching.bump("publications")  # inside the test's transaction: never committed
    assert caching.part_versions(["publications"]) == versions


def test_logged_in_members_get_a_fresh_page(member, branch_a):
    client = Client()
    client.get("/news/")
    client.force_login(member)
    PublicationFactory(organisation=branch_a, title="Только что добавлено")
    assert "Только что добавлено" in client.get("/news/").content.decode()


def test_each_language_has_its_own_cached_page():
    ru = Client().get("/news/").content.decode()
    kk = Client().get("/kk/news/").content.decode()
    assert 'lang="ru"' in ru and 'lang="kk"' in kk


def test_the_csrf_token_is_not_kept_in_the_cache(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template import engines

    template = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')

    @caching.cache_public_page("faq")
    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({}, request))

    def visit():
        request = rf.get("/a-form/")
        request.user = AnonymousUser()
        request.LANGUAGE_CODE = "ru"
        return request, view(request).content.decode()

    first_request, first = visit()
    second_request, second = visit()
    assert 'name="csrfmiddlewaretoken"' in second
    assert first != second  # each visitor has their own token, the rest is the cached page
    token = second.split('value="')[1].split('"')[0]
    assert second_request.META["CSRF_COOKIE"]  # the visitor gets a cookie that goes with it
    assert len(token) == 64


def test_head_on_the_home_page_answers_200():
    response = Client().head("/")
    assert response.status_code == 200
    assert response.content == b""
