"""Anonymous public pages come from the cache, and a write through a service makes the page
that shows it fresh at the next request (versioned keys per part, bumped on commit)."""

import re
import time

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


def test_a_page_rendered_across_a_write_is_not_served_after_it(rf, django_capture_on_commit_callbacks):
    """A render that read the parts' versions before a write and stores after it stores the
    page at the old versions: the next visitor gets a fresh render, not what it saw."""
    request = rf.get("/news/")
    request.LANGUAGE_CODE = "ru"
    key, versions, stored = caching._lookup(request, ["publications"])
    assert stored is None
    with django_capture_on_commit_callbacks(execute=True):
        caching.bump("publications")
    caching.cache.set(key, (versions, b"rendered before the write", {}, time.time() + 60), 60)
    assert caching._lookup(request, ["publications"])[2] is None
    caching.cache.set(key, (caching.part_versions(["publications"]), b"rendered after the write", {}, time.time() + 60), 60)
    assert caching._lookup(request, ["publications"])[2] == (b"rendered after the write", {})


def _without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/news/", "/press/", "/giveaways/", "/branches/", "/appeal/faq/", "/", "/kk/news/"])
def test_a_members_page_comes_from_the_cache_with_only_the_query_of_their_session_and_user(
    member, url, django_assert_num_queries
):
    client = _logged_in(member)
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the session with its user, nothing of the page itself
        second = client.get(url)
    assert _without_tokens(second) == _without_tokens(first)  # each response masks the token anew
    assert reverse("account_logout") in second.content.decode()


def test_a_member_sees_a_service_write_at_once(member, branch_a, regional_staff, django_capture_on_commit_callbacks):
    publication = PublicationFactory(organisation=branch_a, title="Старый заголовок")
    client = _logged_in(member)
    assert "Старый заголовок" in client.get("/news/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publication_services.publication_update(publication=publication, user=regional_staff, title="Новый заголовок")
    body = client.get("/news/").content.decode()
    assert "Новый заголовок" in body and "Старый заголовок" not in body


def test_each_visitor_gets_their_own_menu_and_token_on_a_cached_page(member, superuser):
    staff_first = _logged_in(superuser).get("/giveaways/").content.decode()  # the cache is filled by a staff member
    assert "/admin/" in staff_first and reverse("giveaways:figures") in staff_first
    member_client = _logged_in(member)
    body = member_client.get("/giveaways/").content.decode()
    assert "/admin/" not in body and reverse("giveaways:figures") not in body
    assert reverse("account_logout") in body
    token = body.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert len(token) == 64 and token not in staff_first
    # The token on the page goes with the member's own cookie: the log-out form works.
    response = member_client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    anonymous = Client().get("/giveaways/").content.decode()
    assert reverse("account_login") in anonymous and reverse("account_logout") not in anonymous


def _leave_message(client, rf, text):
    """A one-time message waiting in the visitor's cookie, as a view's redirect leaves it."""
    from django.contrib.messages import SUCCESS
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse

    storage = CookieStorage(rf.get("/"))
    storage.add(SUCCESS, text)
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value


@pytest.mark.parametrize("logged_in", [True, False])
def test_a_waiting_message_shows_once_on_a_cached_page(member, rf, logged_in):
    client = _logged_in(member) if logged_in else Client()
    client.get("/news/")
    client.get("/news/")  # the page is in the cache now
    _leave_message(client, rf, "Ваша заявка принята")
    assert "Ваша заявка принята" in client.get("/news/").content.decode()
    assert "Ваша заявка принята" not in client.get("/news/").content.decode()


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


@pytest.mark.parametrize("path", ["/", "/robots.txt", "/news/"])
def test_head_through_the_wsgi_handler_sends_the_headers_of_a_get_and_no_body(path):
    """What gunicorn gets: Django's WSGI handler keeps the body of a HEAD (the test client
    strips it itself, so it cannot show this); the server would drop it with a warning."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test.client import RequestFactory

    def serve(method):
        environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD=method)
        started = {}
        # As the test client does: the test's transaction must keep its connection.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = b"".join(WSGIHandler()(environ, lambda status, headers: started.update(status=status, headers=dict(headers))))
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return started, body

    get, get_body = serve("GET")
    head, head_body = serve("HEAD")
    assert head["status"] == get["status"] == "200 OK"
    assert head_body == b"" and get_body
    assert head["headers"]["Content-Length"] == str(len(get_body))
    assert head["headers"]["Content-Type"] == get["headers"]["Content-Type"]


def _input_value(body: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', body).group(1)


def test_the_appeal_form_comes_from_the_cache_with_fresh_tokens_and_a_cached_form_can_be_sent(
    branch_a, settings, django_assert_num_queries
):
    from appeals import protection
    from appeals.models import Appeal

    settings.APPEAL_MIN_FILL_SECONDS = 0
    Client().get("/appeal/")
    client = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        body = client.get("/appeal/").content.decode()
    other = Client().get("/appeal/").content.decode()
    assert f'value="{branch_a.pk}"' in body  # the branch select is there, from the cache
    token, csrf = _input_value(body, "form_token"), _input_value(body, "csrfmiddlewaretoken")
    assert token != _input_value(other, "form_token")  # one-time tokens are never shared
    protection.read_form_token(token)  # a real, signed token, not the placeholder
    response = client.post(
        "/appeal/",
        {"csrfmiddlewaretoken": csrf, "form_token": token, "name": "Тест Тестов", "phone": "+7 700 000 00 01",
         "workplace_text": "Школа №1", "branch": str(branch_a.pk), "topic": "wages", "question": "Вопрос",
         "consent": "on", "website": ""},
    )
    assert response.status_code == 302
    assert Appeal.objects.filter(question="Вопрос").count() == 1


def test_a_bad_appeal_post_is_rendered_fresh_with_the_input_kept(branch_a):
    Client().get("/appeal/")
    body = Client().post("/appeal/", {"question": "Мой вопрос без согласия", "form_token": "x"}).content.decode()
    assert "Мой вопрос без согласия" in body


def test_a_members_appeal_form_is_filled_with_their_name_even_after_visitors_filled_the_cache(member):
    Client().get("/appeal/")
    Client().get("/appeal/")
    body = _logged_in(member).get("/appeal/").content.decode()
    assert member.get_full_name() in body
    assert reverse("appeals:mine") in body


def _everything_in_the_cache() -> bytes:
    from django.core.cache import cache

    if isinstance(getattr(cache, "_cache", None), dict):  # LocMemCache: pickled values
        return b"".join(cache._cache.values())
    client = cache._cache.get_client()
    return b"".join(client.get(key) or b"" for key in client.scan_iter("*"))


def test_each_members_appeal_form_comes_from_the_cache_filled_with_their_own_name(django_assert_num_queries):
    from tests.accounts.factories import UserFactory

    first = UserFactory(username="aigul", first_name="Айгуль", last_name="Серикова", email="aigul@school.kz")
    second = UserFactory(username="marat", first_name="Марат", last_name="Ахметов", email="marat@school.kz")
    _logged_in(first).get("/appeal/")  # the cache is filled by the first member's visit
    client = _logged_in(second)
    with django_assert_num_queries(1):  # the session with its user: the page is the cached one
        body = client.get("/appeal/").content.decode()
    assert _input_value(body, "name") == "Марат Ахметов" and _input_value(body, "email") == "marat@school.kz"
    assert "Айгуль" not in body and "aigul@school.kz" not in body
    assert reverse("appeals:mine") in body and reverse("account_logout") in body
    cached = _everything_in_the_cache()
    for personal in ("Айгуль", "Серикова", "aigul@school.kz", "Марат", "marat@school.kz"):
        assert personal.encode() not in cached


def test_a_members_cached_appeal_form_is_the_page_a_fresh_render_gives_them(settings):
    from tests.accounts.factories import UserFactory

    member = UserFactory(username="quote", first_name='Анна "<b>', last_name="O'Neil & Co", email="anna@school.kz")
    client = _logged_in(member)

    def without_tokens(body: str) -> str:
        return re.sub(r'name="(form_token|csrfmiddlewaretoken)" value="[^"]*"', "", body)

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    fresh = client.get("/appeal/").content.decode()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    client.get("/appeal/")
    cached = client.get("/appeal/").content.decode()
    assert 'value="Анна &quot;&lt;b&gt; O&#x27;Neil &amp; Co"' in cached
    assert without_tokens(cached) == without_tokens(fresh)
    everything = _everything_in_the_cache()
    for personal in ("Анна", "O'Neil", "O&#x27;Neil", "anna@school.kz"):
        assert personal.encode() not in everything


def test_a_visitor_with_a_message_waiting_gets_the_form_empty(member, rf):
    _logged_in(member).get("/appeal/")  # the open copy is in the cache
    client = Client()
    _leave_message(client, rf, "Ваше обращение уже получено")
    body = client.get("/appeal/").content.decode()
    assert "Ваше обращение уже получено" in body
    assert _input_value(body, "form_token") and 'name="name" value=""' in body and 'name="email" value=""' in body
    assert member.get_full_name() not in body and reverse("appeals:mine") not in body


def _serve(view, rf, *, user, session=None) -> str:
    """`view` at one address, as requested by `user` with `session`."""
    request = rf.get("/odd-greeting/")
    request.user = user
    request.session = session or {}
    return view(request).content.decode()


def test_the_copy_for_the_cache_is_rendered_for_nobody_in_particular(rf):
    """A template that writes something of the member outside the visitor parts and inputs
    (their first name, say) gets nothing of them into the cache, nor into the next member's
    page: the cache's copy is rendered as for an anonymous visitor."""
    from django.http import HttpResponse

    from accounts.models import User

    def values_for(request):
        return {"name": request.user.get_full_name() if request.user.is_authenticated else ""}

    @caching.cache_public_page("faq", visitor_inputs=values_for)
    def view(request):
        marked = caching.visitor_input_values(request, values_for)["name"]
        return HttpResponse(f'<input name="name" value="{marked}"><p>Hello, {getattr(request.user, "first_name", "")}</p>')

    def get(first_name):
        return _serve(view, rf, user=User(username=first_name, first_name=first_name, last_name="Тестова"))

    assert get("Айгуль") == '<input name="name" value="Айгуль Тестова"><p>Hello, </p>'
    assert get("Марат") == '<input name="name" value="Марат Тестова"><p>Hello, </p>'
    assert "Айгуль".encode() not in _everything_in_the_cache()


def test_a_page_that_writes_a_visitors_value_past_its_marker_is_not_cached(rf):
    """The second guard: a value that reaches the page other than through the user (here the
    session), raw or escaped as the HTML writes it, keeps that render out of the cache, or
    the next member would be shown the first one's."""
    from django.http import HttpResponse
    from django.utils.html import escape

    from accounts.models import User

    def values_for(request):
        return {"name": request.session.get("display_name", "")}

    @caching.cache_public_page("faq", visitor_inputs=values_for)
    def view(request):
        marked = caching.visitor_input_values(request, values_for)["name"]
        return HttpResponse(f'<input name="name" value="{marked}"><p>Hello, {escape(request.session["display_name"])}</p>')

    def get(display_name):
        return _serve(view, rf, user=User(username="u"), session={"display_name": display_name})

    assert get("Айгуль") == '<input name="name" value="Айгуль"><p>Hello, Айгуль</p>'
    assert get("Марат") == '<input name="name" value="Марат"><p>Hello, Марат</p>'
    assert get("Анна & Ко") == '<input name="name" value="Анна &amp; Ко"><p>Hello, Анна &amp; Ко</p>'
    assert get("Марат") == '<input name="name" value="Марат"><p>Hello, Марат</p>'


def test_a_new_faq_entry_and_a_new_branch_show_on_the_cached_appeal_form_at_once(regional_org, django_capture_on_commit_callbacks):
    from tests.branches.factories import OrganisationFactory

    client = Client()
    assert "Можно ли перенести отпуск?" not in client.get("/appeal/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        FaqEntry.objects.create(topic="other", question_ru="Можно ли перенести отпуск?", answer_ru="Да.", is_published=True)
        OrganisationFactory(slug="branch-new", name_ru="Новый филиал", parent=regional_org)
    body = client.get("/appeal/").content.decode()
    assert "Можно ли перенести отпуск?" in body and "Новый филиал" in body


def test_a_page_whose_one_time_input_is_written_otherwise_is_not_cached(rf):
    """If a template ever writes the one-time input differently, the first visitor's value
    must not be kept and handed to everyone after them."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    served = iter(["first-secret", "second-secret"])

    @caching.cache_public_page("faq", fresh_inputs={"form_token": lambda: "fresh"})
    def view(request):
        return HttpResponse(f'<input value="{next(served)}" name="form_token">')

    def get():
        request = rf.get("/odd-form/")
        request.user = AnonymousUser()
        request.session = {}
        return view(request).content.decode()

    assert "first-secret" in get()
    assert "first-secret" not in get()
