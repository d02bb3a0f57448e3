"""The public frame: languages, navigation, error pages, the health check."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_home_answers_in_russian_by_default():
    response = Client().get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru">' in response.content.decode()
    assert "Новости" in response.content.decode()


@pytest.mark.django_db
def test_home_answers_in_kazakh_under_kk():
    response = Client().get("/kk/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="kk">' in body
    assert "Жаңалықтар" in body


@pytest.mark.django_db
def test_home_answers_in_english_under_en():
    body = Client().get("/en/").content.decode()
    assert '<html lang="en">' in body
    assert "News" in body


@pytest.mark.django_db
def test_every_page_offers_the_three_languages():
    body = Client().get("/").content.decode()
    for name in ("Русский", "Қазақ", "English"):
        assert name in body


@pytest.mark.django_db
def test_switching_language_redirects_to_the_same_page_in_that_language():
    response = Client().post("/i18n/setlang/", {"language": "kk", "next": "/news/"})
    assert response.status_code == 302
    assert response["Location"] == "/kk/news/"


@pytest.mark.django_db
def test_unknown_page_shows_a_404_in_the_visitors_language():
    response = Client().get("/kk/no-such-page/")
    assert response.status_code == 404
    assert "Бет табылмады" in response.content.decode()


@pytest.mark.django_db
def test_healthz_reports_database_and_broker():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(settings):
    from unionportal.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = Client().get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"] == "fail"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_staff_and_appeal_pages():
    body = Client().get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert "Disallow: /appeal/status/" in body


def test_robots_txt_also_covers_the_kazakh_and_english_addresses():
    body = Client().get("/robots.txt").content.decode()
    assert "Disallow: /kk/appeal/status/" in body
    assert "Disallow: /en/admin/" in body


@pytest.mark.django_db
def test_anonymous_visitors_get_the_home_page_from_the_cache(settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    client = Client()
    first = client.get("/kk/")
    with django_assert_num_queries(0):
        second = client.get("/kk/")
    assert second.content == first.content
    assert "max-age" not in second.get("Cache-Control", "")  # a browser must not keep a page a write has changed


@pytest.mark.django_db
def test_logged_in_staff_always_get_a_fresh_home_page(settings, regional_staff):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    client = Client()
    client.get("/")
    client.force_login(regional_staff)
    body = client.get("/").content.decode()
    assert "/admin/" in body  # the staff menu, not the anonymous page from the cache


@pytest.mark.django_db
def test_the_server_error_page_speaks_the_visitors_language(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("kk"):
        response = server_error(rf.get("/kk/"))
    assert response.status_code == 500
    assert "Бірдеңе дұрыс болмады" in response.content.decode()


@pytest.mark.django_db
def test_the_language_links_lead_to_the_same_page_with_its_filters_in_each_language():
    body = Client().get("/kk/news/?channel=instagram").content.decode()
    assert 'href="/news/?channel=instagram" lang="ru"' in body
    assert 'href="/kk/news/?channel=instagram" lang="kk" hreflang="kk" aria-current="true"' in body
    assert 'href="/en/news/?channel=instagram" lang="en"' in body
    home = Client().get("/").content.decode()
    assert 'href="/kk/" lang="kk"' in home and 'href="/" lang="ru"' in home
