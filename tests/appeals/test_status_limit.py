"""Issue 11, item 14: status lookups are limited per address, by the form and by the URL."""

import pytest

from tests.appeals.factories import AppealFactory

pytestmark = pytest.mark.django_db


def test_lookups_beyond_the_hourly_limit_are_refused_with_a_message(client, settings):
    settings.APPEAL_STATUS_LOOKUPS_PER_HOUR = 3
    code = AppealFactory().tracking_code
    for _ in range(3):
        # A code-shaped wrong code (a text that is no code nor number gets a hint, 200).
        assert client.get("/appeal/status/", {"code": "wrong-code-" + "x" * 14}).status_code == 404
    response = client.get("/appeal/status/", {"code": code})
    assert response.status_code == 429
    assert "Слишком много запросов" in response.content.decode()
    other = client.get("/appeal/status/", {"code": code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_guessing_codes_in_the_address_counts_too(client, settings):
    settings.APPEAL_STATUS_LOOKUPS_PER_HOUR = 2
    assert client.get("/appeal/status/guess-one/").status_code == 404
    assert client.get("/appeal/status/guess-two/").status_code == 404
    assert client.get("/appeal/status/guess-three/").status_code == 429


def test_a_member_reloading_their_own_status_page_is_not_limited(client, settings):
    settings.APPEAL_STATUS_LOOKUPS_PER_HOUR = 2
    code = AppealFactory().tracking_code
    assert [client.get(f"/appeal/status/{code}/").status_code for _ in range(5)] == [200] * 5


def test_the_refusal_is_in_kazakh_on_the_kazakh_page(client, settings):
    settings.APPEAL_STATUS_LOOKUPS_PER_HOUR = 0
    response = client.get("/kk/appeal/status/", {"code": "x"})
    assert response.status_code == 429
    assert "Слишком много" not in response.content.decode()
