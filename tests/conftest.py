"""Fixture organisations and one user per role, shared by every test.

alice-style naming from healthchecks: `editor_a` edits branch A, `editor_b` branch B,
`member` is a union member with a login and no staff role, `outsider` a login with
nothing at all.
"""

import pytest
from django.core.cache import cache
from django.utils import translation

from accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.branches.factories import OrganisationFactory, RegionalOrganisationFactory


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache(settings):
    """Tasks run in-process unless a test starts a real worker; rate limits start at zero."""
    from unionportal.celery import app

    # PBKDF2 is slow on purpose; the matrix makes hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    cache.clear()
    # A request under /kk/ leaves Kazakh active in the thread; each test starts in Russian.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
    app.conf.task_always_eager = previous


@pytest.fixture
def regional_org(db):
    return RegionalOrganisationFactory()


@pytest.fixture
def branch_a(regional_org):
    return OrganisationFactory(slug="branch-a", name_ru="Филиал А", name_kk="А филиалы", parent=regional_org)


@pytest.fixture
def branch_b(regional_org):
    return OrganisationFactory(slug="branch-b", name_ru="Филиал Б", name_kk="Б филиалы", parent=regional_org)


@pytest.fixture
def member(branch_a):
    return UserFactory(username="member")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def editor_a(branch_a):
    return UserFactory(username="editor_a", role=Role.BRANCH_EDITOR, role__organisation=branch_a)


@pytest.fixture
def editor_b(branch_b):
    return UserFactory(username="editor_b", role=Role.BRANCH_EDITOR, role__organisation=branch_b)


@pytest.fixture
def regional_staff(regional_org):
    return UserFactory(username="regional_staff", role=Role.REGIONAL_STAFF, role__organisation=regional_org)


@pytest.fixture
def chair(regional_org):
    return UserFactory(username="chair", role=Role.CHAIR, role__organisation=regional_org)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)
