"""A branch editor in the staff area sees their branch and nothing of another: the lists,
their filters and the forms; and a hand-made filter on a hidden contact gets nowhere."""

import re

from playwright.sync_api import expect

from accounts.roles import Role
from tests.accounts.factories import UserFactory
from tests.appeals.factories import AppealFactory
from tests.branches.factories import OrganisationFactory, PrimaryOrganisationFactory, RegionalOrganisationFactory
from tests.giveaways.factories import make_giveaway


def test_a_branch_editor_sees_only_their_branch_in_lists_filters_and_forms(page, login):
    regional = RegionalOrganisationFactory()
    temirtau = OrganisationFactory(slug="temirtau", name_ru="Темиртауский городской профсоюз", parent=regional)
    shet = OrganisationFactory(slug="shet", name_ru="Шетский районный профсоюз", parent=regional)
    school = PrimaryOrganisationFactory(parent=temirtau, name_ru="Школа-лицей №7")
    make_giveaway(organisation=temirtau, title="Розыгрыш Темиртау")
    make_giveaway(organisation=shet, title="Розыгрыш Шет")
    appeal = AppealFactory(branch=school, email="secret.person@mail.kz")
    editor = UserFactory(username="editor-temirtau", role=Role.BRANCH_EDITOR, role__organisation=temirtau)

    login(editor)
    page.goto("/admin/giveaways/giveaway/")
    expect(page.locator("#result_list")).to_contain_text("Розыгрыш Темиртау")
    expect(page.locator("#result_list")).not_to_contain_text("Розыгрыш Шет")
    # The organisation filter names the editor's branch and its school, never Shet.
    filters = page.locator("#changelist-filter")
    expect(filters).to_contain_text("Темиртауский городской профсоюз")
    expect(filters).not_to_contain_text("Шетский районный профсоюз")

    page.goto("/admin/giveaways/giveaway/add/")
    options = page.locator("select[name=organisation] option").all_inner_texts()
    assert "Шетский районный профсоюз" not in options
    assert "Темиртауский городской профсоюз" in options

    # The appeal of the school is listed, its contacts are not shown, and guessing them
    # through the query string only brings back the plain list.
    page.goto("/admin/appeals/appeal/")
    expect(page.locator("#result_list")).to_contain_text(appeal.reference)
    expect(page.locator("#result_list")).not_to_contain_text("secret.person")
    page.goto(f"/admin/appeals/appeal/?reference={appeal.reference}&email__regex=^s")
    expect(page).to_have_url(re.compile(r"/admin/appeals/appeal/\?e=1$"))
    expect(page.locator("#result_list")).not_to_contain_text("secret.person")
