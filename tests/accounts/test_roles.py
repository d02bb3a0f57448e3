"""Roles carry the right permissions, and branch scoping narrows what each person sees."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role, sync_role_permissions
from accounts.services import user_assign_role
from branches.models import Organisation, SocialPage
from branches.scoping import user_can_access_object
from tests.branches.factories import PrimaryOrganisationFactory, SocialPageFactory
from unionportal.exceptions import ApplicationError


@pytest.mark.django_db
def test_the_three_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {"chair", "regional_staff", "branch_editor"}


@pytest.mark.django_db
def test_the_chair_only_views_and_regional_staff_do_everything():
    sync_role_permissions()
    chair = set(Group.objects.get(name="chair").permissions.values_list("codename", flat=True))
    staff = set(Group.objects.get(name="regional_staff").permissions.values_list("codename", flat=True))
    assert "view_socialpage" in chair
    assert not any(code.startswith(("add_", "change_", "delete_")) for code in chair)
    assert {"add_socialpage", "change_socialpage", "delete_socialpage"} <= staff


@pytest.mark.django_db
def test_a_branch_editor_may_change_their_organisation_but_not_delete_it():
    sync_role_permissions()
    editor = set(Group.objects.get(name="branch_editor").permissions.values_list("codename", flat=True))
    assert {"change_organisation", "view_organisation"} <= editor
    assert "delete_organisation" not in editor
    assert "add_organisation" not in editor


@pytest.mark.django_db
def test_a_branch_editor_needs_a_branch(member):
    with pytest.raises(ApplicationError):
        user_assign_role(user=member, role=Role.BRANCH_EDITOR, organisation=None)


@pytest.mark.django_db
def test_assigning_a_role_makes_staff_and_removing_it_unmakes(member, branch_a):
    user_assign_role(user=member, role=Role.BRANCH_EDITOR, organisation=branch_a)
    member.refresh_from_db()
    assert member.is_staff
    assert list(member.groups.values_list("name", flat=True)) == ["branch_editor"]
    user_assign_role(user=member, role=None, organisation=branch_a)
    member.refresh_from_db()
    assert not member.is_staff
    assert not member.groups.exists()


@pytest.mark.django_db
def test_a_branch_editor_sees_their_branch_and_its_primaries_only(editor_a, branch_a, branch_b):
    school_a = PrimaryOrganisationFactory(parent=branch_a)
    school_b = PrimaryOrganisationFactory(parent=branch_b)
    page_a = SocialPageFactory(organisation=branch_a)
    page_school_a = SocialPageFactory(organisation=school_a)
    page_b = SocialPageFactory(organisation=branch_b)

    visible_pages = set(SocialPage.objects.for_user(editor_a))
    visible_orgs = set(Organisation.objects.for_user(editor_a))

    assert visible_pages == {page_a, page_school_a}
    assert visible_orgs == {branch_a, school_a}
    assert school_b not in visible_orgs
    assert not user_can_access_object(editor_a, page_b)


@pytest.mark.django_db
def test_chair_and_regional_staff_see_every_branch(chair, regional_staff, branch_a, branch_b):
    SocialPageFactory(organisation=branch_a)
    SocialPageFactory(organisation=branch_b)
    for user in (chair, regional_staff):
        assert SocialPage.objects.for_user(user).count() == 2


@pytest.mark.django_db
def test_members_and_outsiders_see_no_records(member, outsider, branch_a):
    SocialPageFactory(organisation=branch_a)
    for user in (member, outsider):
        assert not SocialPage.objects.for_user(user).exists()


@pytest.mark.django_db
def test_scoping_adds_no_query_of_its_own(editor_a, branch_a, django_assert_num_queries):
    SocialPageFactory.create_batch(3, organisation=branch_a)
    editor_a.profile  # noqa: B018 - loaded once per request by the auth middleware in real use
    editor_a._role_names = {"branch_editor"}
    with django_assert_num_queries(1):
        list(SocialPage.objects.for_user(editor_a))
