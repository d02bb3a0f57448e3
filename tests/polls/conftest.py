import pytest

from polls.choices import Access
from tests.polls.factories import make_poll


@pytest.fixture
def poll(regional_org, branch_a, branch_b):
    return make_poll(organisation=regional_org, units=[branch_a, branch_b])


@pytest.fixture
def invitation_poll(regional_org, branch_a, branch_b):
    return make_poll(organisation=regional_org, units=[branch_a, branch_b], access=Access.INVITATION, slug="invited")
