import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from branches import demo
from branches.choices import OrganisationKind
from branches.imports import COUNTERS, RegistryImporter, export_rows
from branches.models import Organisation, SocialPage
from tests.spreadsheet_import import admin_import, import_now
from unionportal.exceptions import ApplicationError

pytestmark = pytest.mark.django_db

APPENDIX = Path(__file__).parent / "data" / "appendix-1.csv"


def import_registry(*, content: bytes, filename: str = "", user=None) -> dict[str, int]:
    return {**dict.fromkeys(COUNTERS, 0), **import_now(RegistryImporter(user=user), content)}


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _assert_report_flags():
    pages = {(p.organisation.name_ru, p.platform): p for p in SocialPage.objects.select_related("organisation")}
    temirtau = pages[("Темиртауский городской профсоюз", "instagram")]
    assert temirtau.flag_post_not_profile and temirtau.original_url.endswith("?igsh=em5yMXllZXJtbTEw")
    balkhash = [p for (name, platform), p in pages.items() if "Балхаш" in name and platform == "instagram"][0]
    osakarovka = pages[("Осакаровский районный профсоюз", "instagram")]
    assert balkhash.flag_shared_account and osakarovka.flag_shared_account
    assert pages[("Саранский городской профсоюз", "facebook")].flag_share_link
    assert pages[("Каркаралинский районный профсоюз", "facebook")].flag_share_link
    balkhash_fb = [p for (name, platform), p in pages.items() if "Балхаш" in name and platform == "facebook"][0]
    assert balkhash_fb.flag_personal_profile and not balkhash_fb.is_official
    assert not [p for p in pages.values() if "igsh" in p.url or "mibextid" in p.url or "utm_" in p.url]


def test_importing_the_reports_appendix_as_written_gives_the_13_branches_with_their_flags(db):
    counts = import_registry(content=APPENDIX.read_bytes(), filename="appendix-1.csv")
    assert counts["organisations_created"] == 13
    assert counts["pages_created"] == 26
    assert Organisation.objects.filter(kind=OrganisationKind.REGIONAL).count() == 1
    assert Organisation.objects.filter(kind=OrganisationKind.BRANCH).count() == 12
    _assert_report_flags()


def test_importing_the_appendix_into_the_demo_registry_matches_the_existing_branches():
    demo.load()
    SocialPage.objects.all().delete()
    counts = import_registry(content=APPENDIX.read_bytes(), filename="appendix-1.csv")
    assert counts["organisations_created"] == 0
    assert SocialPage.objects.filter(organisation__slug="balkhash").count() == 2
    _assert_report_flags()


def test_importing_the_same_file_twice_changes_nothing(db):
    import_registry(content=APPENDIX.read_bytes(), filename="appendix-1.csv")
    counts = import_registry(content=APPENDIX.read_bytes(), filename="appendix-1.csv")
    assert counts == {"organisations_created": 0, "organisations_updated": 0, "pages_created": 0, "pages_unchanged": 26}
    assert Organisation.objects.count() == 13


def test_the_appendix_imports_from_xlsx_too(db):
    rows = list(csv.reader(io.StringIO(APPENDIX.read_text(encoding="utf-8"))))
    counts = import_registry(content=_xlsx(rows), filename="appendix.xlsx")
    assert counts["pages_created"] == 26


def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row(regional_org):
    rows = [
        ["branch", "Instagram", "Facebook"],
        ["Филиал Один", "https://www.instagram.com/one/", ""],
        ["Филиал Два", "javascript:alert(1)", ""],
        ["", "https://www.instagram.com/three/", ""],
        ["Филиал Четыре", "https://www.facebook.com/four", "https://www.instagram.com/four/"],
    ]
    with pytest.raises(ApplicationError) as caught:
        import_registry(content=_csv(rows), filename="bad.csv")
    errors = caught.value.extra["rows"]
    assert [e.split(":")[0] for e in errors] == ["Строка 3", "Строка 4", "Строка 5"]
    assert any("javascript" in e for e in errors)
    assert Organisation.objects.count() == 1 and SocialPage.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02garbage", b"PK\x03\x04broken zip", b"no,header,here\n1,2,3", b"branch\n"],
)
def test_no_input_crashes_the_import(db, content):
    try:
        import_registry(content=content, filename="x.xlsx" if content.startswith(b"PK") else "x.csv")
    except ApplicationError as exc:
        assert exc.message


def test_the_full_layout_round_trips_through_export_and_import():
    demo.load()
    rows = export_rows(organisations=Organisation.objects.order_by("position"), layout="full")
    content = _csv(rows)
    SocialPage.objects.all().delete()
    counts = import_registry(content=content, filename="full.csv")
    assert counts["pages_created"] == 26
    assert counts["organisations_created"] == 0
    assert SocialPage.objects.get(organisation__slug="temirtau", platform="instagram").flag_post_not_profile


def test_the_full_layout_creates_a_primary_organisation(branch_a):
    rows = [
        ["slug", "name_ru", "name_kk", "kind", "parent", "primary_kind", "member_count", "chair", "phone", "email", "platform", "url", "official"],
        ["school-77", "Школа №77", "№77 мектеп", "primary", "branch-a", "school", "42", "Иванова И.", "", "", "instagram", "instagram.com/school77?igsh=1", "yes"],
    ]
    import_registry(content=_csv(rows), filename="full.csv")
    school = Organisation.objects.get(slug="school-77")
    assert (school.parent, school.member_count, school.kind) == (branch_a, 42, "primary")
    assert school.social_pages.get().url == "https://www.instagram.com/school77/"


def test_the_full_layout_names_bad_rows(branch_a):
    rows = [
        ["slug", "name_ru", "kind", "parent", "platform", "url", "member_count"],
        ["Bad Slug", "Х", "branch", "regional", "", "", ""],
        ["ok-slug", "Х", "primary", "nowhere", "myspace", "", "many"],
    ]
    with pytest.raises(ApplicationError) as caught:
        import_registry(content=_csv(rows), filename="full.csv")
    text = " ".join(caught.value.extra["rows"])
    assert "Строка 2" in text and "Строка 3" in text
    assert "nowhere" in text and "myspace" in text
    assert not Organisation.objects.filter(slug="ok-slug").exists()


def test_the_appendix_export_has_clean_links_in_the_reports_columns(client, regional_staff):
    demo.load()
    client.force_login(regional_staff)
    response = client.get(reverse("branches:export") + "?layout=appendix&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("branch", "instagram", "facebook")
    assert len(rows) == 14
    assert rows[1][1] == "https://www.instagram.com/profsoyuz310krg/"


def test_an_export_is_scoped_to_the_editors_branch(client, editor_a, branch_a, branch_b):
    from tests.branches.factories import SocialPageFactory

    SocialPageFactory(organisation=branch_a, handle="only_a")
    SocialPageFactory(organisation=branch_b, handle="only_b")
    client.force_login(editor_a)
    content = client.get(reverse("branches:export") + "?layout=full&format=csv").content.decode("utf-8-sig")
    assert "only_a" in content and "only_b" not in content


def test_the_admin_import_reports_every_bad_row_and_offers_no_confirm(client, regional_staff):
    client.force_login(regional_staff)
    before = Organisation.objects.count()
    page = admin_import(client, "branches.organisation", _csv([["branch", "instagram"], ["Филиал", "javascript:alert(1)"]]))
    assert "Строка 2" in page.content.decode()
    assert b'value="confirm"' not in page.content
    assert Organisation.objects.count() == before


def test_the_admin_import_imports_the_appendix_after_its_preview(client, regional_staff):
    client.force_login(regional_staff)
    preview = admin_import(client, "branches.organisation", APPENDIX.read_bytes(), confirm=False)
    assert "Темиртауский городской профсоюз" in preview.content.decode()
    assert not SocialPage.objects.exists()
    admin_import(client, "branches.organisation", APPENDIX.read_bytes())
    assert SocialPage.objects.count() == 26


def test_the_old_import_page_leads_to_the_admin_import(client, regional_staff):
    client.force_login(regional_staff)
    response = client.get(reverse("branches:import"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:branches_organisation_spreadsheet_import")
    kept = client.get(reverse("branches:import") + "?layout=appendix")
    assert kept["Location"].endswith("?layout=appendix")  # a bookmarked address keeps its choice
    assert client.post(reverse("branches:import")).status_code == 405  # an old form's POST is not silently dropped


def test_a_formula_in_a_cell_is_exported_as_text(regional_org):
    regional_org.chair_name = "=HYPERLINK(\"x\")"
    regional_org.save()
    rows = export_rows(organisations=Organisation.objects.all(), layout="full")
    from branches.imports import export_csv

    assert "'=HYPERLINK" in export_csv(rows).decode("utf-8-sig")


def _xlsx_with_a_damaged_sheet() -> bytes:
    import zipfile

    good = zipfile.ZipFile(io.BytesIO(_xlsx([["kind", "name_ru"], ["branch", "X"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for item in good.infolist():
            data = good.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = b"<worksheet><sheetData><row"  # cut off mid-tag
            damaged.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "filename"),
    [(_xlsx_with_a_damaged_sheet(), "x.xlsx"), (b'kind,name_ru\nbranch,"' + b"x" * 200_000 + b'"\n', "x.csv")],
)
def test_a_damaged_workbook_or_an_oversized_cell_is_refused_with_a_message(db, content, filename):
    with pytest.raises(ApplicationError) as excinfo:
        import_registry(content=content, filename=filename)
    assert excinfo.value.message


def test_the_full_layout_names_a_parent_by_its_russian_name_and_rows_after_blank_lines(branch_a):
    rows = [
        ["slug", "name_ru", "kind", "parent", "member_count", "platform", "url"],
        [],
        ["school-1", "Школа №1", "primary", "Филиал А", "30", "", ""],
        [],
        ["school-2", "Школа №2", "primary", "филиал а", "3²", "", ""],
    ]
    with pytest.raises(ApplicationError) as caught:
        import_registry(content=_csv(rows), filename="full.csv")
    (error,) = caught.value.extra["rows"]
    assert error.startswith("Строка 5: ") and "«3²» — не целое число" in error
    rows[4][4] = "3"
    import_registry(content=_csv(rows), filename="full.csv")
    assert set(Organisation.objects.filter(parent=branch_a).values_list("slug", flat=True)) == {"school-1", "school-2"}
