import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Profile
from tests.accounts.factories import UserFactory
from tests.reports import fake_source
from unionportal.figures import registry

ALMATY = ZoneInfo("Asia/Almaty")


@pytest.fixture
def fake_sources():
    """Only the fake source feeds the rollup."""
    fake_source.MEASURES.clear()
    with registry.replaced(fake_source.SOURCE):
        yield fake_source
    fake_source.MEASURES.clear()


@pytest.fixture
def join():
    """Make a user of `organisation` who joined at `when` (Almaty time)."""

    def _join(organisation, when: dt.datetime):
        user = UserFactory(date_joined=when.replace(tzinfo=ALMATY) if when.tzinfo is None else when)
        Profile.objects.update_or_create(user=user, defaults={"organisation": organisation})
        return user

    return _join
