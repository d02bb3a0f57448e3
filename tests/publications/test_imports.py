"""Import and export of the publications log: all-or-nothing, every bad row named."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from publications.imports import ImportFailed, export_xlsx, import_publications
from publications.models import Publication
from tests.publications.factories import PublicationFactory, RubricFactory, TopicFactory
from tests.spreadsheet_import import admin_import

pytestmark = pytest.mark.django_db

HEADER = (
    "published_at,title,text,channel,organisation,social_page,rubric,topics,language,url,views,likes,comments,shares"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def reference(branch_a, branch_b):
    RubricFactory(slug="chelovek-truda", name="Человек труда")
    TopicFactory(slug="labour-rights", name_ru="Защита трудовых прав")
    TopicFactory(slug="wages", name_ru="Заработная плата")


def _csv(*lines, name="publications.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode(encoding))


def test_a_good_csv_is_imported(reference, branch_a):
    upload = _csv(
        "2024-04-30 10:00,«Человек труда»,Текст,facebook,branch-a,,Человек труда,labour-rights;wages,ru,"
        "https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/?mibextid=qi2Omg,1200,80,5,3",
        "07.03.2024,Еңбегімен еленген нәзік жандар,,instagram,branch-a,,,,kk,,,,,",
    )
    result = import_publications(upload)
    assert result.created == 2
    first = Publication.objects.get(url="https://www.facebook.com/share/p/DThzxLrzkzdYjkdG/")
    assert first.rubric.slug == "chelovek-truda"
    assert set(first.topics.values_list("slug", flat=True)) == {"labour-rights", "wages"}
    assert (first.views, first.likes, first.comments, first.shares) == (1200, 80, 5, 3)


def test_an_import_with_bad_rows_changes_nothing_and_names_every_bad_row(reference, branch_a):
    PublicationFactory(organisation=branch_a, url="https://t.me/profsoyuz/7")
    upload = _csv(
        "2024-01-10 10:00,Хороший ряд,,facebook,branch-a,,,,ru,,,,,",
        "2024-13-45,Плохая дата,,facebook,branch-a,,,,ru,,,,,",
        "2024-01-11,Неизвестный канал,,myspace,branch-a,,,,ru,,,,,",
        "2024-01-12,Неизвестная организация,,facebook,nowhere,,,,ru,,,,,",
        "2024-01-13,,,facebook,branch-a,,,,ru,,,,,",
        "2024-01-14,Ссылка уже есть,,telegram,branch-a,,,,ru,https://t.me/profsoyuz/7,,,,",
        "2024-01-15,Неизвестная рубрика и тема,,facebook,branch-a,,Нет такой,astrology,ru,,,,,",
        "2024-01-16,Отрицательные просмотры,,facebook,branch-a,,,,ru,,-5,много,,",
        "2024-01-17,Дважды в файле,,facebook,branch-a,,,,ru,https://fb.com/x/posts/1,,,,",
        "2024-01-18,Дважды в файле 2,,facebook,branch-a,,,,ru,https://www.facebook.com/x/posts/1,,,,",
    )
    with pytest.raises(ImportFailed) as excinfo:
        import_publications(upload)
    errors = excinfo.value.errors
    assert [e.split(":")[0] for e in errors] == [f"Row {n}" for n in (3, 4, 5, 6, 7, 8, 9, 11)]
    text = "\n".join(errors)
    assert "2024-13-45" in text
    assert "myspace" in text
    assert "nowhere" in text
    assert "title is empty" in text
    assert "already logged" in text
    assert "Нет такой" in text and "astrology" in text
    assert "less than 0" in text and "много" in text
    assert errors[-1] == "Row 11: the same link as row 10"
    assert Publication.objects.count() == 1


def test_a_branch_editor_imports_only_for_their_branch(reference, editor_a):
    upload = _csv(
        "2024-01-10,Свой,,facebook,branch-a,,,,ru,,,,,",
        "2024-01-10,Чужой,,facebook,branch-b,,,,ru,,,,,",
    )
    with pytest.raises(ImportFailed) as excinfo:
        import_publications(upload, user=editor_a)
    assert excinfo.value.errors[0].startswith("Row 3")
    assert not Publication.objects.exists()


def test_a_windows_1251_csv_with_semicolons_is_read(reference):
    upload = _csv("2024-01-10;Памятка;;memo;branch-a;;;;ru;;;;;", encoding="cp1251")
    upload = SimpleUploadedFile("p.csv", upload.read().decode("cp1251").replace(",", ";").encode("cp1251"))
    assert import_publications(upload).created == 1
    assert Publication.objects.get().title == "Памятка"


def test_junk_is_refused_with_a_message_not_a_crash(reference):
    for upload in (
        SimpleUploadedFile("x.csv", b""),
        SimpleUploadedFile("x.csv", b"foo,bar\n1,2\n"),
        SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really a zip"),
        SimpleUploadedFile("x.csv", bytes(range(256)) * 4),
    ):
        with pytest.raises(ImportFailed) as excinfo:
            import_publications(upload)
        assert excinfo.value.message


def test_an_xlsx_export_imports_back(reference, branch_a):
    PublicationFactory(
        organisation=branch_a, title='=HYPERLINK("http://evil")', url="https://t.me/profsoyuz/1", views=10
    )
    PublicationFactory(organisation=branch_a, title="Обычный пост")
    data = export_xlsx(Publication.objects.all())
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "published_at"
    formula = [r[1] for r in rows[1:] if r[1].value == '=HYPERLINK("http://evil")']
    assert formula and formula[0].data_type == "s"  # shown as written, never run
    Publication.objects.all().delete()
    result = import_publications(SimpleUploadedFile("back.xlsx", data))
    assert result.created == 2
    back = Publication.objects.get(url="https://t.me/profsoyuz/1")
    assert back.views == 10
    assert back.title == '=HYPERLINK("http://evil")'


def test_an_xlsx_with_real_dates_is_read(reference):
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append([dt.datetime(2023, 12, 31, 23, 30), "Новогодний пост", None, "instagram", "branch-a"])
    out = io.BytesIO()
    workbook.save(out)
    import_publications(SimpleUploadedFile("p.xlsx", out.getvalue()))
    from publications.selectors import publication_counts_by_year

    assert publication_counts_by_year() == {2023: 1}


def test_the_admin_import_lists_every_bad_row_then_imports_a_good_file(client, regional_staff, reference):
    client.force_login(regional_staff)
    bad = _csv("2024-01-10,Хорошо,,facebook,branch-a,,,,ru,,,,,", "bad,Плохо,,facebook,branch-a,,,,ru,,,,,")
    page = admin_import(client, "publications.publication", bad.read())
    assert "Row 3" in page.content.decode() and b'value="confirm"' not in page.content
    assert not Publication.objects.exists()
    admin_import(client, "publications.publication", _csv("2024-01-10,Хорошо,,facebook,branch-a,,,,ru,,,,,").read())
    assert Publication.objects.count() == 1


def test_the_old_import_page_and_the_staff_menu_lead_to_the_admin_import(client, regional_staff):
    client.force_login(regional_staff)
    target = reverse("admin:publications_publication_spreadsheet_import")
    assert client.get(reverse("publications:import"))["Location"] == target
    assert f'href="{target}"'.encode() in client.get(reverse("publications:quick")).content


def test_the_import_command_reads_a_file(reference, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "good.csv"
    good.write_text(HEADER + "\n2024-01-10,Из командной строки,,facebook,branch-a,,,,ru,,,,,\n", encoding="utf-8")
    call_command("import_publications", str(good))
    assert Publication.objects.get().title == "Из командной строки"
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nnever,Плохо,,facebook,branch-a,,,,ru,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_publications", str(bad))
    assert Publication.objects.count() == 1


def _xlsx_with_a_damaged_sheet() -> bytes:
    import zipfile

    workbook = Workbook()
    workbook.active.append(["published_at", "title", "channel", "organisation"])
    good_bytes = io.BytesIO()
    workbook.save(good_bytes)
    good = zipfile.ZipFile(good_bytes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for item in good.infolist():
            data = good.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = b"<worksheet><sheetData><row"  # cut off mid-tag
            damaged.writestr(item, data)
    return out.getvalue()


def test_a_damaged_workbook_or_an_oversized_cell_is_refused_with_a_message(reference):
    for upload in (
        SimpleUploadedFile("x.xlsx", _xlsx_with_a_damaged_sheet()),
        SimpleUploadedFile("x.csv", b'published_at,title,channel,organisation\n2024-01-01,"' + b"x" * 200_000 + b'",site,a\n'),
    ):
        with pytest.raises(ImportFailed) as excinfo:
            import_publications(upload)
        assert excinfo.value.message


def test_the_csv_export_quotes_a_text_starting_with_a_tab_like_a_formula(branch_a):
    from publications.imports import export_csv

    PublicationFactory(organisation=branch_a, text='\t=HYPERLINK("http://evil")', url="https://t.me/profsoyuz/2")
    exported = export_csv(Publication.objects.all()).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(exported)))[1][2] == '\'\t=HYPERLINK("http://evil")'


def _rows(*lines, header="published_at,title,channel,organisation,url,views"):
    return SimpleUploadedFile("p.csv", "\n".join([header, *lines]).encode())


def test_rows_are_named_by_their_file_number_after_blank_lines(reference, branch_a):
    upload = _rows("", "2024-01-10,Хорошо,facebook,branch-a,,", "", "", "2024-01-11,Плохо,myspace,branch-a,,")
    with pytest.raises(ImportFailed) as excinfo:
        import_publications(upload)
    assert [e.split(":")[0] for e in excinfo.value.errors] == ["Row 6"]


@pytest.mark.parametrize("cell", ["2024-03-01 10:00", "01.03.2024 10:00", "45352.41666666667"])
def test_each_date_form_gives_the_same_moment(reference, branch_a, cell):
    import_publications(_rows(f"{cell},Дата,facebook,branch-a,,"))
    from django.utils import timezone

    assert timezone.localtime(Publication.objects.get().published_at).isoformat() == "2024-03-01T10:00:00+05:00"


@pytest.mark.parametrize("name", ["branch-a", "Филиал А", "ФИЛИАЛ а", "А филиалы"])
def test_an_organisation_is_named_by_slug_or_russian_or_kazakh_name(reference, branch_a, name):
    import_publications(_rows(f"2024-01-10,Имя,facebook,{name},,"))
    assert Publication.objects.get().organisation == branch_a


def test_an_organisation_is_named_by_its_id(reference, branch_a):
    import_publications(_rows(f"2024-01-10,Имя,facebook,{branch_a.pk},,"))
    assert Publication.objects.get().organisation == branch_a


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2024-01-10,Нуль\x00в заголовке,facebook,branch-a,,", "control character (U+0000)"),
        ("2024-01-10,Верхний индекс,facebook,branch-a,,1²", "«1²» is not a whole number"),
        ("2024-01-10,Ссылка,facebook,branch-a,1.5,", "«1.5» is not a web address"),
        ("0001-01-01,Древность,facebook,branch-a,,", "not between 2000"),
    ],
)
def test_a_bad_cell_names_its_row_instead_of_an_error_page(reference, branch_a, line, expected):
    with pytest.raises(ImportFailed) as excinfo:
        import_publications(_rows("2024-01-09,Хорошо,facebook,branch-a,,", line))
    assert excinfo.value.errors[0].startswith("Row 3:")
    assert expected in excinfo.value.errors[0]
    assert not Publication.objects.exists()


def test_a_cell_over_the_csv_limit_names_its_row(reference, branch_a):
    big = "x" * 200_000
    with pytest.raises(ImportFailed) as excinfo:
        import_publications(_rows("2024-01-09,Хорошо,facebook,branch-a,,", f"2024-01-10,{big},facebook,branch-a,,"))
    assert excinfo.value.errors[0].startswith("Row 3:")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1251"])
def test_each_encoding_is_read(reference, branch_a, encoding):
    upload = SimpleUploadedFile("p.csv", "published_at;title;channel;organisation\n2024-01-10;Кодировка;facebook;Филиал А\n".encode(encoding))
    import_publications(upload)
    assert Publication.objects.get().title == "Кодировка"


def test_a_row_with_a_control_character_lists_its_other_problems_too(reference, branch_a):
    with pytest.raises(ImportFailed) as excinfo:
        import_publications(_rows("0001-01-01,Плохо\x0b,myspace,Нет такой,,"))
    (error,) = excinfo.value.errors
    for part in ("U+000B", "not between 2000", "myspace", "Нет такой"):
        assert part in error


def _log(count: int, start: int = 0) -> bytes:
    return "\n".join(
        [HEADER]
        + [
            f"2024-01-{1 + i % 28:02d},Пост {i},,facebook,Филиал А,,Человек труда,wages;labour-rights,ru,"
            f"https://www.facebook.com/unionkrg/posts/{i},{i},,,"
            for i in range(start, start + count)
        ]
    ).encode()


def test_the_import_asks_the_database_as_often_for_300_rows_as_for_3(reference, branch_a, editor_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from publications.imports import PublicationImporter
    from unionportal import spreadsheets as sp

    def queries(content: bytes) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert sp.run_import(PublicationImporter(user=editor_a), content, commit=True).ok
        return len(captured)

    few, many = queries(_log(3)), queries(_log(300, start=3))
    # The reference data, the links already logged, the editor's organisations: once per file.
    # The inserts come in batches (SQLite takes about 60 publications or 500 topic links in
    # one INSERT, PostgreSQL 500 publications): 14 queries for 3 rows, 18 for 300 on SQLite.
    assert few <= 14 and many - few <= 300 // 60
    assert Publication.objects.count() == 303
    assert Publication.objects.get(title="Пост 7").topics.count() == 2


def test_a_bulk_import_refreshes_the_public_news_page(reference, branch_a, client, django_capture_on_commit_callbacks):
    from publications.imports import PublicationImporter
    from unionportal import spreadsheets as sp

    assert "Пост 1" not in client.get(reverse("publications:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert sp.run_import(PublicationImporter(), _log(3), commit=True).ok
    assert "Пост 1" in client.get(reverse("publications:list")).content.decode()
