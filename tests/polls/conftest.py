import pytest

from polls.choices import Access
from tests.polls.factories import make_poll


@pytest.fixture
def poll(regional_org, branch_a, branch_b):
    return make_poll(organisation=regional_org, units=[branch_a, branch_b])


@pytest.fixture
def invitation_poll(regional_org, branch_a, branch_b):
    return make_poll(organisation=regional_org, units=[branch_a, branch_b], access=Access.INVITATION, slug="invited")


@pytest.fixture(autouse=True)
def _russian_first():
    """A request to /kk/ leaves Kazakh active in the test's thread; URLs reversed by the
    next test must be the Russian ones."""
    from django.utils import translation

    translation.activate("ru")
    yield
    translation.activate("ru")
