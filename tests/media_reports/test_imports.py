import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from media_reports.choices import OutletKind, OutletLevel
from media_reports.imports import COLUMNS, AppearanceImporter, SubscriptionImporter
from media_reports.models import MediaAppearance
from tests.media_reports.factories import MediaAppearanceFactory, OutletFactory, ProgrammeFactory, SpeakerFactory
from tests.spreadsheet_import import admin_import, import_now
from unionportal.exceptions import ApplicationError

pytestmark = pytest.mark.django_db

EXPORT = reverse("media_reports:export")


@pytest.fixture
def reference(branch_a):
    tv = OutletFactory(name="1-Карагандинский", kind=OutletKind.TV_CHANNEL, level=OutletLevel.REGIONAL)
    return {
        "tv": tv,
        "paper": OutletFactory(name="Қазақстан кәсіподағы", level=OutletLevel.REPUBLICAN),
        "vadut": ProgrammeFactory(outlet=tv, name="Вадут"),
        "chair": SpeakerFactory(name="Ракишева А.", organisation=branch_a),
    }


def _csv(rows, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return out.getvalue().encode("utf-8")


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row.get(c, "") for c in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD = {
    "date": "2023-04-18",
    "outlet": "1-Карагандинский",
    "programme": "Вадут",
    "kind": "tv_broadcast",
    "title": "Безопасность и охрана труда",
    "speakers": "Ракишева А.",
    "organisation": "branch-a",
    "language": "ru",
    "duration_minutes": "25",
    "link": "https://youtu.be/q7xQNHFiueU",
}
ARTICLE = {
    "date": "05.06.2023",
    "outlet": "Қазақстан кәсіподағы",
    "kind": "Статья",
    "title": "Защита трудовых прав",
    "organisation": "Филиал А",
    "language": "kk",
    "audience_estimate": "8000",
    "audience_source": "тираж",
}


def _import(data: bytes, name: str, user) -> list:
    """The appearances created (one entry each), or ApplicationError naming every bad row."""
    return [None] * import_now(AppearanceImporter(user=user), data).get("created", 0)


def import_subscriptions(*, file, filename: str = "", user) -> list:
    return [None] * import_now(SubscriptionImporter(user=user), file.read()).get("created", 0)


def test_a_csv_file_creates_every_row(reference, regional_staff):
    created = _import(_csv([GOOD, ARTICLE]), "press.csv", regional_staff)
    assert len(created) == 2
    vadut = MediaAppearance.objects.get(programme__name="Вадут")
    assert [s.name for s in vadut.speakers.all()] == ["Ракишева А."]
    assert vadut.duration_minutes == 25
    article = MediaAppearance.objects.get(kind="article")
    assert str(article.date) == "2023-06-05" and article.audience_estimate == 8000


def test_a_semicolon_csv_from_excel_in_cp1251_is_read(reference, regional_staff):
    data = _csv([GOOD], delimiter=";").decode().encode("cp1251")
    assert len(_import(data, "press.csv", regional_staff)) == 1


def test_an_xlsx_file_creates_every_row(reference, regional_staff):
    assert len(_import(_xlsx([GOOD, ARTICLE]), "press.xlsx", regional_staff)) == 2


def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row(reference, regional_staff):
    bad_outlet = {**ARTICLE, "outlet": "Нет такой газеты", "title": "x1"}
    bad_date = {**ARTICLE, "date": "31.02.2023", "title": "x2"}
    bad_kind_and_link = {**ARTICLE, "kind": "blog", "link": "not a link", "title": "x3"}
    with pytest.raises(ApplicationError) as exc:
        _import(_csv([GOOD, bad_outlet, bad_date, bad_kind_and_link, GOOD]), "press.csv", regional_staff)
    rows = exc.value.extra["rows"]
    assert [r.split(":")[0] for r in rows] == ["Строка 3", "Строка 4", "Строка 5", "Строка 6"]
    assert "Нет такой газеты" in rows[0]
    assert "31.02.2023" in rows[1]
    assert "blog" in rows[2] and "not a link" in rows[2]
    assert "дважды" in rows[3]
    assert not MediaAppearance.objects.exists()


def test_a_row_already_in_the_database_is_named(reference, regional_staff):
    _import(_csv([GOOD]), "press.csv", regional_staff)
    with pytest.raises(ApplicationError) as exc:
        _import(_csv([ARTICLE, GOOD]), "press.csv", regional_staff)
    assert exc.value.extra["rows"][0].startswith("Строка 3")
    assert MediaAppearance.objects.count() == 1


def test_a_branch_editor_cannot_import_rows_of_another_branch(reference, editor_b):
    with pytest.raises(ApplicationError) as exc:
        _import(_csv([GOOD]), "press.csv", editor_b)
    assert "branch-a" in exc.value.extra["rows"][0]
    assert not MediaAppearance.objects.exists()


def test_a_branch_editor_cannot_name_another_branchs_speaker(reference, editor_b, branch_b):
    row = {**GOOD, "organisation": branch_b.slug}  # the speaker "Ракишева А." belongs to branch A
    with pytest.raises(ApplicationError) as excinfo:
        _import(_csv([row]), "press.csv", editor_b)
    assert "Ракишева А." in " ".join(excinfo.value.extra["rows"])
    assert MediaAppearance.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.csv"),
        (b"\x00\x01garbage", "broken.xlsx"),
        (b"a,b,c\n1,2,3\n", "no-columns.csv"),
        (b"%PDF-1.4", "file.pdf"),
    ],
)
def test_a_broken_file_is_refused_with_a_message(data, name, regional_staff, client):
    client.force_login(regional_staff)
    page = admin_import(client, "media_reports.mediaappearance", data or b" ", name=name)
    assert page.status_code == 200
    assert page.context["report"].errors and b'value="confirm"' not in page.content


def test_the_admin_import_reports_success_and_errors(reference, regional_staff, client):
    client.force_login(regional_staff)
    admin_import(client, "media_reports.mediaappearance", _csv([GOOD]))
    assert MediaAppearance.objects.count() == 1
    page = admin_import(client, "media_reports.mediaappearance", _csv([{**GOOD, "title": "Другая", "outlet": "?"}]))
    assert "Строка 2" in page.content.decode()
    assert MediaAppearance.objects.count() == 1


@pytest.mark.parametrize(("query", "model"), [("", "mediaappearance"), ("?dataset=subscriptions", "newspapersubscription")])
def test_the_old_import_page_leads_to_the_admin_import(client, regional_staff, query, model):
    client.force_login(regional_staff)
    response = client.get(reverse("media_reports:import") + query)
    assert response["Location"] == reverse(f"admin:media_reports_{model}_spreadsheet_import")


def test_the_export_holds_only_the_editors_records(reference, editor_a, branch_a, branch_b, client):
    MediaAppearanceFactory(title="Наша статья", organisation=branch_a, speakers=[reference["chair"]])
    MediaAppearanceFactory(title="Чужая статья", organisation=branch_b)
    client.force_login(editor_a)
    text = client.get(EXPORT).content.decode("utf-8-sig")
    assert "Наша статья" in text and "Чужая статья" not in text
    workbook = load_workbook(io.BytesIO(client.get(EXPORT, {"format": "xlsx"}).content))
    titles = [row[4] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["Наша статья"]


def test_an_export_imports_back_unchanged(reference, regional_staff, client):
    _import(_csv([GOOD, ARTICLE, {**ARTICLE, "title": "=HYPERLINK(\"x\")", "date": "2023-07-01"}]), "p.csv", regional_staff)
    client.force_login(regional_staff)
    exported = client.get(EXPORT).content
    assert b"'=HYPERLINK" in exported  # a spreadsheet will not run it
    before = sorted(MediaAppearance.objects.values_list("title", "date", "kind", "organisation_id", "link"))
    MediaAppearance.objects.all().delete()
    _import(exported, "again.csv", regional_staff)
    assert sorted(MediaAppearance.objects.values_list("title", "date", "kind", "organisation_id", "link")) == before


SUB_HEADER = "organisation,year,outlet,copies\n"


def test_subscriptions_import_sets_and_corrects_copies(reference, regional_staff, branch_a):
    from media_reports.models import NewspaperSubscription

    data = (SUB_HEADER + "branch-a,2024,Қазақстан кәсіподағы,5\nregional,2024,Қазақстан кәсіподағы,12\n").encode()
    assert len(import_subscriptions(file=io.BytesIO(data), filename="s.csv", user=regional_staff)) == 2
    data = (SUB_HEADER + "branch-a,2024,Қазақстан кәсіподағы,7\n").encode()
    import_subscriptions(file=io.BytesIO(data), filename="s.csv", user=regional_staff)
    assert NewspaperSubscription.objects.get(organisation=branch_a).copies == 7
    assert NewspaperSubscription.objects.count() == 2


def test_a_bad_subscriptions_file_changes_nothing_and_names_its_rows(reference, editor_a, branch_a):
    from media_reports.models import NewspaperSubscription

    data = (
        SUB_HEADER
        + "branch-a,2024,Қазақстан кәсіподағы,5\n"
        + "branch-b,2024,Қазақстан кәсіподағы,5\n"  # not the editor's branch
        + "branch-a,20x4,1-Карагандинский,0\n"  # bad year, a TV channel, no copies
        + "branch-a,2024,Қазақстан кәсіподағы,6\n"  # twice
    ).encode()
    with pytest.raises(ApplicationError) as exc:
        import_subscriptions(file=io.BytesIO(data), filename="s.csv", user=editor_a)
    rows = exc.value.extra["rows"]
    assert [r.split(":")[0] for r in rows] == ["Строка 3", "Строка 4", "Строка 5"]
    assert not NewspaperSubscription.objects.exists()


def test_the_subscriptions_export_is_scoped_and_imports_back_through_the_admin(reference, editor_a, branch_a, branch_b, client):
    from tests.media_reports.factories import NewspaperSubscriptionFactory

    NewspaperSubscriptionFactory(organisation=branch_a, outlet=reference["paper"], copies=4)
    NewspaperSubscriptionFactory(organisation=branch_b, outlet=reference["paper"], copies=9)
    client.force_login(editor_a)
    text = client.get(EXPORT, {"dataset": "subscriptions"}).content.decode("utf-8-sig")
    assert text.splitlines() == ["organisation,year,outlet,copies", "branch-a,2024,Қазақстан кәсіподағы,4"]
    workbook = load_workbook(io.BytesIO(client.get(EXPORT, {"dataset": "subscriptions", "format": "xlsx"}).content))
    assert [r for r in workbook.active.iter_rows(min_row=2, values_only=True)] == [("branch-a", 2024, "Қазақстан кәсіподағы", 4)]
    admin_import(client, "media_reports.newspapersubscription", text.replace(",4", ",8").encode())
    assert branch_a.newspaper_subscriptions.get().copies == 8
