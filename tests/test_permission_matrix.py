"""Who may open what: every non-admin URL as every person, and every admin model's pages.

A URL pattern that no app's `tests/<app>/access.py` names fails the suite, so a new page
cannot be added without saying who may see it.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import FOUNDATION_CASES, PEOPLE

APPS = ["accounts", "branches", "publications", "appeals", "media_reports", "giveaways", "polls", "reports"]
# URLs that belong to libraries with their own tests: the admin, allauth's pages.
IGNORED_NAMESPACES = {"admin"}
IGNORED_PREFIXES = ("account_", "mfa_", "socialaccount_", "headless", "usersessions_")


def _app_access_modules():
    modules = []
    for app in APPS:
        try:
            modules.append(importlib.import_module(f"tests.{app}.access"))
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{app}.access":
                raise
    return modules


def all_url_cases():
    cases = list(FOUNDATION_CASES)
    for module in _app_access_modules():
        cases.extend(getattr(module, "URL_CASES", []))
    return cases


def all_admin_records():
    records = {}
    for module in _app_access_modules():
        records.update(getattr(module, "ADMIN_RECORDS", {}))
    return records


def _pattern_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in IGNORED_NAMESPACES:
                continue
            child_ns = f"{namespace}{ns}:" if ns else namespace
            names |= _pattern_names(pattern, child_ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if not pattern.name.startswith(IGNORED_PREFIXES):
                names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_pattern_has_a_permission_case():
    covered = {case.name for case in all_url_cases()}
    missing = sorted(_pattern_names() - covered)
    assert not missing, f"URL patterns with no case in tests/<app>/access.py: {missing}"


@pytest.fixture
def world(branch_a, branch_b, regional_org):
    return SimpleNamespace(branch_a=branch_a, branch_b=branch_b, regional_org=regional_org)


def _client_for(person, request):
    client = Client()
    if person != "anonymous":
        client.force_login(request.getfixturevalue(person))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("case", all_url_cases(), ids=str)
def test_url_access(case, person, world, request):
    # Make every person exist first, so records made by `kwargs` see the same world.
    for name in PEOPLE[1:]:
        request.getfixturevalue(name)
    client = _client_for(person, request)
    url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else None)
    if case.query:
        url = f"{url}?{case.query}"
    data = case.data(world) if case.data else None
    response = getattr(client, case.method)(url, data=data)
    expected = case.expected(person)
    if expected == "ok":
        assert response.status_code in case.ok_statuses, f"{person} should open {url}, got {response.status_code}"
    elif expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
            f"anonymous should be sent to log in from {url}, got {response.status_code}"
        )
    else:
        assert response.status_code in (403, 404), f"{person} must not open {url}, got {response.status_code}"


# --- The admin ---------------------------------------------------------------------------

def _admin_models():
    return sorted(admin.site._registry, key=lambda m: m._meta.label)


def _is_domain(model):
    from accounts.roles import DOMAIN_APPS

    return model._meta.app_label in DOMAIN_APPS


def _changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _change(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def _delete(model, pk):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[pk])


def _add(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def test_every_scoped_admin_model_has_a_record_maker():
    records = all_admin_records()
    missing = [
        m._meta.label for m in _admin_models() if getattr(m, "BRANCH_SCOPE_FIELD", None) and m not in records
    ]
    # Organisation is made by the fixtures themselves.
    missing = [label for label in missing if label != "branches.Organisation"]
    assert not missing, f"add a maker to ADMIN_RECORDS in tests/<app>/access.py for {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("model", _admin_models(), ids=lambda m: m._meta.label)
def test_admin_refuses_visitors_and_members(model, member, outsider):
    url = _changelist(model)
    response = Client().get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    for user in (member, outsider):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code in (302, 403)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [m for m in _admin_models() if _is_domain(m)], ids=lambda m: m._meta.label)
def test_regional_staff_and_chair_see_every_domain_list(model, regional_staff, chair):
    for user in (regional_staff, chair):
        client = Client()
        client.force_login(user)
        assert client.get(_changelist(model)).status_code == 200, f"{user} should see {model._meta.label}"


@pytest.mark.django_db
@pytest.mark.parametrize("model", [m for m in _admin_models() if _is_domain(m)], ids=lambda m: m._meta.label)
def test_chair_cannot_add_records(model, chair):
    client = Client()
    client.force_login(chair)
    assert client.get(_add(model)).status_code == 403


def _records_for(model, branch_a, branch_b):
    if model._meta.label == "branches.Organisation":
        return branch_a, branch_b
    make = all_admin_records()[model]
    return make(branch_a), make(branch_b)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [m for m in _admin_models() if getattr(m, "BRANCH_SCOPE_FIELD", None)],
    ids=lambda m: m._meta.label,
)
def test_branch_editor_works_only_on_own_branch_records(model, editor_a, branch_a, branch_b):
    record_a, record_b = _records_for(model, branch_a, branch_b)
    client = Client()
    client.force_login(editor_a)

    response = client.get(_changelist(model))
    assert response.status_code == 200
    listed = {obj.pk for obj in response.context["cl"].queryset}
    assert record_a.pk in listed
    assert record_b.pk not in listed

    assert client.get(_change(model, record_a.pk)).status_code == 200
    # The admin answers an object outside the queryset with a redirect to its index.
    assert client.get(_change(model, record_b.pk)).status_code == 302
    assert client.post(_delete(model, record_b.pk), {"post": "yes"}).status_code in (302, 403)
    assert model.objects.filter(pk=record_b.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [m for m in _admin_models() if _is_domain(m) and not getattr(m, "BRANCH_SCOPE_FIELD", None)],
    ids=lambda m: m._meta.label,
)
def test_branch_editor_only_views_shared_reference_data(model, editor_a):
    client = Client()
    client.force_login(editor_a)
    assert client.get(_changelist(model)).status_code == 200
    assert client.get(_add(model)).status_code == 403
