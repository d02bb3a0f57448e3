"""The demo logins: a known password on a development machine only."""

import pytest

from accounts.models import User
from portal import demo
from tests.branches.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_organisations(regional_org):
    for slug in ("temirtau", "shet"):
        OrganisationFactory(slug=slug, parent=regional_org)


def test_demo_logins_get_the_shared_password_in_development(settings, demo_organisations):
    settings.DEBUG = True
    demo.load()
    assert User.objects.get(username="admin").check_password(demo.DEMO_PASSWORD)


def test_demo_logins_get_no_usable_password_outside_development(settings, demo_organisations):
    settings.DEBUG = False
    demo.load()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert not admin.has_usable_password()
    assert not User.objects.get(username="staff").check_password(demo.DEMO_PASSWORD)
