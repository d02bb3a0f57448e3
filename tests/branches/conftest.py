import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_around_each_test():
    """A request to /kk/… leaves Kazakh active in the thread; reverse() and messages in the
    next test would follow it. Every test here starts and ends in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
