"""Issue 11, item 14: a form body declared in a charset the portal cannot read is a 400 in
the visitor's language, never a 500, whether DEBUG is on or off; windows-1251 in a
multipart form (which the parser reads with the declared charset) is decoded properly."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.appeals.factories import AppealFactory

pytestmark = pytest.mark.django_db

FIELDS = {"name": "Тест Тестов", "question": "Почему мне не доплатили?", "login": "Тест", "password": "x"}


def _urlencoded(charset: str) -> bytes:
    return urlencode(FIELDS, encoding=charset).encode("ascii")


def _multipart(charset: str) -> bytes:
    parts = "".join(f'--BOUNDARY\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in FIELDS.items())
    return (parts + "--BOUNDARY--\r\n").encode(charset)


def _paths():
    return ["/appeal/", "/accounts/login/", f"/appeal/status/{AppealFactory().tracking_code}/rate/"]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("charset", ["windows-1251", "utf-16", "utf-16-le", "no-such-charset"])
def test_a_url_encoded_body_in_a_foreign_charset_is_a_400(settings, debug, charset):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    body = _urlencoded(charset if charset != "no-such-charset" else "utf-8")
    for path in _paths():
        response = client.generic("POST", path, body, content_type=f"application/x-www-form-urlencoded; charset={charset}")
        assert response.status_code == 400, (path, response.status_code)
        assert "кодировке" in response.content.decode()
        assert "Content-Security-Policy" in response


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("charset", ["utf-16", "utf-32"])
def test_a_multipart_body_in_utf_16_or_32_is_a_400(settings, debug, charset):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    for path in _paths():
        response = client.generic("POST", path, _multipart(charset), content_type=f"multipart/form-data; boundary=BOUNDARY; charset={charset}")
        assert response.status_code == 400, (path, response.status_code)


def test_the_message_comes_in_kazakh_on_the_kazakh_page():
    response = Client().generic("POST", "/kk/appeal/", _urlencoded("utf-16"), content_type="application/x-www-form-urlencoded; charset=utf-16")
    assert response.status_code == 400
    assert "кодировка" not in response.content.decode()
    assert "кодтау" in response.content.decode()


def test_a_multipart_form_in_windows_1251_is_read_properly(rf):
    from django.core.handlers.wsgi import WSGIRequest  # noqa: F401 - the request rf builds

    request = rf.generic("POST", "/appeal/", _multipart("windows-1251"), content_type="multipart/form-data; boundary=BOUNDARY; charset=windows-1251")
    assert request.POST["name"] == "Тест Тестов"
    response = Client().generic("POST", "/appeal/", _multipart("windows-1251"), content_type="multipart/form-data; boundary=BOUNDARY; charset=windows-1251")
    # Read, and refused for what it lacks (no form token), as any other form would be.
    assert response.status_code == 400
    assert "Не удалось прочитать форму" in response.content.decode()


def test_a_utf_8_body_with_its_charset_declared_is_read_as_usual():
    response = Client().generic("POST", "/appeal/", _urlencoded("utf-8"), content_type="application/x-www-form-urlencoded; charset=UTF-8")
    assert response.status_code == 400
    assert "Не удалось прочитать форму" in response.content.decode()
