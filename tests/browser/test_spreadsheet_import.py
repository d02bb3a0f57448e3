"""A staff member imports the report's Appendix 1 as written (raw links, Russian names) and a
year of publications naming organisations by their Russian names, from the admin: each
file is checked, previewed, and saved only when confirmed."""

from pathlib import Path

from playwright.sync_api import expect

from accounts.roles import Role
from branches.models import Organisation, SocialPage
from publications.models import Publication
from tests.accounts.factories import UserFactory
from tests.branches.factories import RegionalOrganisationFactory
from tests.publications.factories import seed_rubrics_and_topics

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _import(page, changelist: str, example: str) -> None:
    page.goto(changelist)
    page.click("a[href$='/spreadsheet-import/']")
    page.set_input_files("input[type=file]", str(EXAMPLES / example))
    page.click("input[type=submit]")
    expect(page.locator("button[value=confirm]")).to_be_visible()
    expect(page.locator("table.spreadsheet-preview tbody tr").first).to_be_visible()


def test_staff_import_the_appendix_and_a_year_of_publications_with_a_preview(page, login):
    seed_rubrics_and_topics()
    regional = RegionalOrganisationFactory()
    staff = UserFactory(username="staff", role=Role.REGIONAL_STAFF, role__organisation=regional)
    login(staff)

    _import(page, "/admin/branches/organisation/", "registry-appendix-1.csv")
    expect(page.locator("table.spreadsheet-preview")).to_contain_text("Темиртауский городской профсоюз")
    assert Organisation.objects.count() == 1  # the preview saved nothing
    page.click("button[value=confirm]")
    expect(page.locator(".success-note")).to_be_visible()
    assert Organisation.objects.count() == 13
    assert SocialPage.objects.count() == 26
    assert not SocialPage.objects.filter(url__contains="igsh").exists()

    _import(page, "/admin/publications/publication/", "publications-2024.csv")
    expect(page.locator("table.spreadsheet-preview")).to_contain_text("Районный профсоюз им.Казыбек би г.Караганды")
    expect(page.locator("#content-main")).to_contain_text("103")
    assert not Publication.objects.exists()
    page.click("button[value=confirm]")
    expect(page.locator(".success-note")).to_contain_text("103")
    assert Publication.objects.count() == 103
    assert Publication.objects.filter(organisation__name_ru="Шетский районный профсоюз").exists()


def test_a_file_with_a_bad_row_names_it_and_offers_no_confirm(page, login, tmp_path):
    regional = RegionalOrganisationFactory()
    staff = UserFactory(username="staff", role=Role.REGIONAL_STAFF, role__organisation=regional)
    login(staff)
    bad = tmp_path / "publications.csv"
    bad.write_text(
        "published_at,title,channel,organisation\n\n01.03.2024,Хорошо,facebook,regional\n0001-01-01,Плохо,facebook,Нет такой\n",
        encoding="utf-8",
    )
    page.goto("/admin/publications/publication/spreadsheet-import/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("input[type=submit]")
    expect(page.locator(".spreadsheet-errors")).to_contain_text("Строка 4")
    expect(page.locator("button[value=confirm]")).to_have_count(0)
    assert not Publication.objects.exists()
