"""The organisation tree: what `Organisation.clean()` refuses, and `family()` as the one
definition of "an organisation and everything under it" that every reader now shares."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from branches.choices import OrganisationKind
from branches.models import Organisation
from tests.branches.factories import OrganisationFactory, PrimaryOrganisationFactory

pytestmark = pytest.mark.django_db


def _parent_error(org) -> str:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            org.full_clean()
        return " ".join(caught.value.message_dict.get("parent", []) + caught.value.message_dict.get("kind", []))


def test_a_primary_organisation_under_a_primary_is_refused(branch_a):
    school = PrimaryOrganisationFactory(parent=branch_a)
    annex = Organisation(kind=OrganisationKind.PRIMARY, parent=school, name_ru="Филиал школы", slug="annex")
    assert "not under another primary organisation" in _parent_error(annex)


def test_the_regional_organisation_under_anything_is_refused(regional_org, branch_a):
    regional_org.parent = branch_a
    assert "stands at the top" in _parent_error(regional_org)


def test_a_branch_under_a_branch_or_without_parent_is_refused(branch_a):
    inner = Organisation(kind=OrganisationKind.BRANCH, parent=branch_a, name_ru="Вложенный", slug="inner")
    assert "directly under the regional organisation" in _parent_error(inner)
    orphan = Organisation(kind=OrganisationKind.BRANCH, parent=None, name_ru="Сирота", slug="orphan")
    assert "needs a parent organisation" in _parent_error(orphan)


def test_an_organisation_cannot_be_put_under_itself_or_its_own_primary(branch_a):
    branch_a.parent = branch_a
    assert _parent_error(branch_a)
    branch_a.refresh_from_db()
    school = PrimaryOrganisationFactory(parent=branch_a)
    branch_a.parent = school
    assert _parent_error(branch_a)


def test_a_loop_stored_before_the_rules_is_not_built_upon(regional_org, branch_a, branch_b):
    # Two branches that point at each other, as a bulk update could once leave them.
    Organisation.objects.filter(pk=branch_a.pk).update(parent=branch_b)
    Organisation.objects.filter(pk=branch_b.pk).update(parent=branch_a)
    school = PrimaryOrganisationFactory.build(parent=Organisation.objects.get(pk=branch_a.pk), slug="looped")
    school.save()
    school.parent = Organisation.objects.get(pk=branch_a.pk)
    assert "under itself" in _parent_error(school)


def test_a_branch_with_primaries_cannot_become_a_primary(branch_a):
    PrimaryOrganisationFactory(parent=branch_a)
    branch_a.kind = OrganisationKind.PRIMARY
    assert "could not stay under" in _parent_error(branch_a)


def test_the_allowed_shapes_pass(regional_org, branch_a):
    PrimaryOrganisationFactory.build(parent=branch_a, slug="ok-school").full_clean()
    PrimaryOrganisationFactory.build(parent=regional_org, slug="apparatus-school").full_clean()
    OrganisationFactory.build(parent=regional_org, slug="ok-branch").full_clean()


def test_the_database_refuses_a_regional_organisation_with_a_parent(regional_org, branch_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=regional_org.pk).update(parent=branch_a)


def test_the_admin_says_why_a_parent_is_refused(client, superuser, branch_a):
    school = PrimaryOrganisationFactory(parent=branch_a)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:branches_organisation_add"),
        {
            "kind": "primary", "parent": school.pk, "name_ru": "Школа в школе", "slug": "nested", "position": 1,
            "is_active": "on", "social_pages-TOTAL_FORMS": 0, "social_pages-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    # In the staff member's language (Russian by default).
    assert "но не в другую первичную организацию" in response.content.decode()
    assert not Organisation.objects.filter(slug="nested").exists()


def test_family_is_the_organisation_and_everything_under_it(regional_org, branch_a, branch_b):
    school_a = PrimaryOrganisationFactory(parent=branch_a)
    school_b = PrimaryOrganisationFactory(parent=branch_b)
    apparatus_school = PrimaryOrganisationFactory(parent=regional_org)

    assert set(Organisation.objects.family(branch_a)) == {branch_a, school_a}
    assert set(Organisation.objects.family(school_a.pk)) == {school_a}
    assert set(Organisation.objects.family(regional_org)) == {regional_org, branch_a, branch_b, school_a, school_b, apparatus_school}


def test_the_former_filters_now_agree_on_a_branchs_family(regional_org, branch_a, branch_b, editor_a):
    """Scoping, the publications and media selectors, the appeals' scope and the rollup once
    each had their own idea of "a branch and its primaries"; now they all read `family()`."""
    from appeals.models import Appeal
    from media_reports.selectors import _organisation_ids
    from publications.models import Publication
    from publications.selectors import organisation_filter
    from reports.selectors import figure_book
    from reports.services import reporting_organisation_map
    from tests.appeals.factories import AppealFactory
    from tests.publications.factories import PublicationFactory

    school = PrimaryOrganisationFactory(parent=branch_a)
    # A second primary, with no type of primary organisation entered.
    odd = OrganisationFactory(parent=branch_a, slug="odd", kind=OrganisationKind.PRIMARY, primary_kind="")
    other_school = PrimaryOrganisationFactory(parent=branch_b)
    expected = {branch_a.pk, school.pk, odd.pk}

    scoped = set(Organisation.objects.for_user(editor_a).values_list("pk", flat=True))
    for org in (branch_a, school, odd, other_school):
        PublicationFactory(organisation=org)
    publications = set(Publication.objects.filter(organisation_filter(branch_a)).values_list("organisation_id", flat=True))
    media = set(_organisation_ids(branch_a).values_list("pk", flat=True))
    units = reporting_organisation_map()
    rolled_up = {pk for pk, unit in units.items() if unit == branch_a.pk}
    book_row = next(row for row in figure_book(user=editor_a, years=[2024]).organisations if row.pk == branch_a.pk)
    for org in (branch_a, school, other_school):
        AppealFactory(branch=org, received_at=dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC))
    appeals_seen = set(Appeal.objects.for_user(editor_a).values_list("branch_id", flat=True))

    assert scoped == publications == media == rolled_up == set(book_row.record_ids) == expected
    assert appeals_seen == {branch_a.pk, school.pk}


def test_a_branch_editor_sees_the_branch_page_of_a_primary_free_tree(client, branch_a):
    # The public branch page (assembled in portal) still lists the branch's primaries.
    school = PrimaryOrganisationFactory(parent=branch_a, name_ru="Школа №1 имени Абая")
    response = Client().get(reverse("branches:detail", args=[branch_a.slug]))
    assert response.status_code == 200
    assert school.name_ru in response.content.decode()
