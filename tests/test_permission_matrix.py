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

APPS = ["accounts", "branches", "publications", "appeals", "media_reports", "giveaways", "messaging", "polls", "reports"]
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


# --- One admin base: filter choices, form choices, autocomplete, lookups ------------------


def _scoped_admin_models():
    return [m for m in _admin_models() if getattr(m, "BRANCH_SCOPE_FIELD", None)]


def test_every_scoped_admin_is_built_on_the_scoped_bases():
    # (The strict lookups of every admin are checked by behaviour below: portal's ready()
    # wraps the libraries' admins, so no class check could fail for them.)
    from branches.admin_base import BranchScopedAdmin, ScopedInlineMixin

    unscoped = [
        m._meta.label for m in _scoped_admin_models() if not isinstance(admin.site._registry[m], BranchScopedAdmin)
    ]
    inlines = [
        f"{m._meta.label}: {inline.__name__}"
        for m in _scoped_admin_models()
        for inline in admin.site._registry[m].inlines
        if not issubclass(inline, ScopedInlineMixin)
    ]
    assert not unscoped, f"admins of scoped records without BranchScopedAdmin: {unscoped}"
    assert not inlines, f"inlines that are not scoped: {inlines}"


def _names_of_branch_b(branch_b, record_b):
    names = {branch_b.name_ru, branch_b.name_kk}
    if record_b is not None and record_b.pk != branch_b.pk:
        names.add(str(record_b))
    return {n for n in names if n}


def _filter_choice_labels(response):
    cl = response.context["cl"]
    return [str(choice["display"]) for spec in cl.filter_specs for choice in spec.choices(cl)]


@pytest.mark.django_db
@pytest.mark.parametrize("model", [m for m in _admin_models() if _is_domain(m)], ids=lambda m: m._meta.label)
def test_a_branch_editors_list_filters_name_only_what_they_may_see(model, editor_a, branch_a, branch_b):
    record_b = None
    if getattr(model, "BRANCH_SCOPE_FIELD", None):
        _record_a, record_b = _records_for(model, branch_a, branch_b)
    client = Client()
    client.force_login(editor_a)
    response = client.get(_changelist(model))
    assert response.status_code == 200
    labels = _filter_choice_labels(response)
    leaked = [label for label in labels if any(name in label for name in _names_of_branch_b(branch_b, record_b))]
    assert not leaked, f"{model._meta.label}: a filter names another branch's {leaked}"


def _choice_fields(response):
    """(name, queryset) of every model choice of the page's form and of its inlines."""
    from django.forms import ModelChoiceField

    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms.append(inline.formset.empty_form)
    for form in forms:
        for name, field in form.fields.items():
            if isinstance(field, ModelChoiceField):
                yield f"{type(form).__name__}.{name}", field.queryset


@pytest.mark.django_db
@pytest.mark.parametrize("model", _scoped_admin_models(), ids=lambda m: m._meta.label)
def test_a_branch_editors_form_choices_are_their_own(model, editor_a, branch_a, branch_b):
    from branches.admin_base import is_scoped_model

    record_a, _record_b = _records_for(model, branch_a, branch_b)
    client = Client()
    client.force_login(editor_a)
    response = client.get(_change(model, record_a.pk))
    assert response.status_code == 200
    for name, queryset in _choice_fields(response):
        if not is_scoped_model(queryset.model):
            continue
        visible = set(queryset.model._default_manager.for_user(editor_a).values_list("pk", flat=True))
        offered = set(queryset.values_list("pk", flat=True))
        assert offered <= visible, f"{model._meta.label} {name} offers records of another branch"


def _autocomplete_cases():
    for model in _admin_models():
        model_admin = admin.site._registry[model]
        for field_name in model_admin.autocomplete_fields:
            yield model, field_name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model,field_name", list(_autocomplete_cases()), ids=lambda v: v._meta.label if hasattr(v, "_meta") else v
)
def test_a_branch_editors_autocomplete_offers_only_their_records(model, field_name, editor_a, branch_a, branch_b):
    from branches.admin_base import is_scoped_model

    related = model._meta.get_field(field_name).related_model
    if related in all_admin_records():
        _records_for(related, branch_a, branch_b)
    client = Client()
    client.force_login(editor_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": field_name, "term": ""},
    )
    if response.status_code == 403:
        return  # the editor cannot change this model at all
    assert response.status_code == 200
    offered = {int(row["id"]) for row in response.json()["results"]}
    if is_scoped_model(related):
        visible = set(related._default_manager.for_user(editor_a).values_list("pk", flat=True))
        assert offered <= visible, f"{model._meta.label}.{field_name} offers another branch's records"


@pytest.mark.django_db
@pytest.mark.parametrize("model", _admin_models(), ids=lambda m: m._meta.label)
def test_no_admin_accepts_a_lookup_its_page_does_not_offer(model, superuser, regional_staff):
    """`?<field>__regex=…` on a field no filter offers is refused for everyone, superusers too."""
    from unionportal.admin_base import lookup_field_path

    model_admin = admin.site._registry[model]
    paths, _names = model_admin._offered_lookups(None)
    hidden = [
        f.name
        for f in model._meta.concrete_fields
        if not f.is_relation and f.name not in paths and lookup_field_path(model, f.name) not in paths
    ]
    assert hidden, f"{model._meta.label}: every field is a filter?"
    for user in (superuser, regional_staff):
        client = Client()
        client.force_login(user)
        response = client.get(_changelist(model), {f"{hidden[0]}__regex": "^"})
        if response.status_code == 403:
            continue  # regional staff cannot open every library admin (users …)
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), (
            f"{model._meta.label} accepted ?{hidden[0]}__regex= from {user}"
        )


@pytest.mark.django_db
def test_the_contacts_oracle_answers_the_same_for_every_guess(editor_a, branch_a):
    """Issue 11, item 2: character by character, `?reference=…&email__regex=^…` once gave
    away the e-mail of an appeal whose contacts the branch editor may not see."""
    import string

    from appeals.selectors import can_see_personal_data
    from tests.appeals.factories import AppealFactory
    from tests.branches.factories import PrimaryOrganisationFactory

    school = PrimaryOrganisationFactory(parent=branch_a)
    appeal = AppealFactory(branch=school, email="secret.person@mail.kz", name="Сауле Секретова", phone="+77015551234")
    assert not can_see_personal_data(editor_a, appeal)
    client = Client()
    client.force_login(editor_a)
    url = _changelist(appeal._meta.model)
    assert client.get(url, {"reference": appeal.reference}).status_code in (200, 302)

    answers = set()
    for guess in string.ascii_lowercase[:12] + "+7С":
        for field in ("email", "name", "phone"):
            response = client.get(url, {"reference": appeal.reference, f"{field}__regex": f"^{guess}"})
            answers.add((response.status_code, response.get("Location")))
    assert answers == {(302, f"{url}?e=1")}
    # Nor does the search box match what the editor cannot see: a contact finds no more
    # than nonsense does.
    found = {term: client.get(url, {"q": term}).context["cl"].result_count for term in ("secret.person", "Секретова", "5551234", "zzzz")}
    assert set(found.values()) == {0}, found
