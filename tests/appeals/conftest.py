import re

import pytest
from django.core import signing

from appeals.protection import TOKEN_SALT


@pytest.fixture
def form_token():
    """A form token as if the form had been served a minute ago."""
    import secrets
    import time

    def make():
        return signing.dumps({"t": int(time.time()) - 60, "n": secrets.token_urlsafe(24)}, salt=TOKEN_SALT)

    return make


@pytest.fixture
def appeal_data(form_token, branch_a):
    def make(**overrides):
        data = {
            "name": "Тест Тестов",
            "phone": "+7 700 000 00 01",
            "email": "member@example.invalid",
            "workplace": "",
            "workplace_text": "Школа-гимназия №1",
            "branch": str(branch_a.pk),
            "topic": "wages",
            "question": "Почему мне не доплатили за классное руководство?",
            "consent": "on",
            "website": "",
            "form_token": form_token(),
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make


def code_from(response) -> str:
    return re.search(r"/appeal/status/([^/]+)/$", response["Location"]).group(1)


@pytest.fixture(autouse=True)
def _russian_by_default():
    """A request to /kk/ leaves Kazakh active in the thread (LocaleMiddleware activates, the
    test client never resets it): each test starts in the default language, as a server's
    next request would."""
    from django.utils import translation

    translation.activate("ru")
    yield
    translation.activate("ru")
