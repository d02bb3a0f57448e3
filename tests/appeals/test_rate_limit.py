"""The appeal form's hourly limit per address (issue 11, items 5 and 10): counted atomically,
per real visitor behind a trusted proxy, and given back when nothing was stored."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from appeals import services
from appeals.models import Appeal

URL = "/appeal/"
PROXY = "10.1.0.2"


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_submissions_with_a_limit_of_ten_store_exactly_ten(appeal_data, settings, monkeypatch):
    settings.APPEAL_RATE_LIMIT_PER_HOUR = 10
    # One query or transaction at a time, as SQLite's shared in-memory test database needs;
    # the limiter (the cache) is left unlocked, so the window between a check and the
    # storage of the appeal, where the old count raced, stays open.
    database = threading.RLock()
    submit = services.appeal_submit

    def one_writer_at_a_time(**kwargs):
        with database:
            return submit(**kwargs)

    def one_query_at_a_time(execute, sql, params, many, context):
        with database:
            return execute(sql, params, many, context)

    monkeypatch.setattr("appeals.views.services.appeal_submit", one_writer_at_a_time)
    forms = [appeal_data() for _ in range(30)]
    start = threading.Barrier(len(forms))

    def send(data):
        try:
            client = Client()
            start.wait()
            with connection.execute_wrapper(one_query_at_a_time):
                return client.post(URL, data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        statuses = list(pool.map(send, forms))
    assert Appeal.objects.count() == 10
    assert sorted(statuses) == [302] * 10 + [429] * 20


@pytest.mark.django_db
def test_a_form_sent_back_with_errors_does_not_use_up_the_limit(client, appeal_data, settings):
    settings.APPEAL_RATE_LIMIT_PER_HOUR = 1
    assert client.post(URL, appeal_data(consent=None)).status_code == 200
    assert client.post(URL, appeal_data(consent=None)).status_code == 200
    assert client.post(URL, appeal_data()).status_code == 302
    assert client.post(URL, appeal_data()).status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_member_has_their_own_limit(client, appeal_data, settings):
    settings.APPEAL_RATE_LIMIT_PER_HOUR = 10
    settings.TRUSTED_PROXIES = [PROXY]
    statuses = [
        client.post(URL, appeal_data(), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(1, 13)
    ]
    assert statuses == [302] * 12
    assert Appeal.objects.count() == 12


@pytest.mark.django_db
def test_a_forwarded_header_from_an_untrusted_address_is_ignored(client, appeal_data, settings):
    settings.APPEAL_RATE_LIMIT_PER_HOUR = 2
    settings.TRUSTED_PROXIES = [PROXY]
    statuses = [
        client.post(URL, appeal_data(), REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(1, 4)
    ]
    assert statuses == [302, 302, 429]


@pytest.mark.django_db
def test_a_visitor_cannot_escape_the_limit_by_writing_their_own_forwarded_header(client, appeal_data, settings):
    settings.APPEAL_RATE_LIMIT_PER_HOUR = 2
    settings.TRUSTED_PROXIES = [PROXY]
    # nginx appends the address it saw: the forged part is on the left.
    statuses = [
        client.post(URL, appeal_data(), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5").status_code
        for n in range(1, 4)
    ]
    assert statuses == [302, 302, 429]
