"""The one spreadsheet mechanism: reading every encoding and form, true row numbers, the
all-or-nothing import with its preview, the safe writer."""

import csv
import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from publications.models import Topic
from unionportal import spreadsheets as sp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class TopicImporter(sp.Importer):
    """A small import for the tests: one topic per row, named on the next row by its name."""

    name = "tests.topics"
    columns = [
        sp.Column("slug", "slug", required=True),
        sp.Column("name", "name", required=True, aliases=("название", "атауы")),
        sp.Column("since", "since"),
        sp.Column("count", "count"),
        sp.Column("note", "note", multiline=True),
    ]

    def prepare(self):
        self.index = sp.NameIndex(Topic.objects.all(), fields=("slug", "name_ru", "name_kk"), label="topic")

    def check_row(self, row):
        since = row.parse("since", sp.parse_date, required=False)
        count = row.parse("count", sp.parse_int)
        if not row.text("slug").isascii():
            row.problem("the slug must be Latin")
        return {"slug": row.text("slug"), "name": row.text("name"), "since": since, "count": count}

    def save_row(self, plan, row):
        if Topic.objects.filter(slug=plan["slug"]).exists():
            raise sp.ApplicationError("the slug is taken")
        Topic.objects.create(slug=plan["slug"], name_ru=plan["name"], position=plan["count"] or 0)
        return "created"


def _run(content: bytes, commit=True):
    return sp.run_import(TopicImporter(), content, commit=commit)


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


TEXT = "slug,name,since,count\npay,Заработная плата,2024-03-01,3\nguard,Охрана труда — қауіпсіздік,01.03.2024,\n"


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"],
)
def test_every_unicode_encoding_is_recognised_by_content(encoding):
    report = _run(TEXT.encode(encoding))
    assert report.ok, report.error_lines()
    assert Topic.objects.get(slug="guard").name_ru == "Охрана труда — қауіпсіздік"


def test_windows_1251_is_recognised_by_content():
    text = TEXT.replace(" — қауіпсіздік", "")
    report = _run(text.encode("cp1251"))
    assert report.ok, report.error_lines()
    assert Topic.objects.get(slug="pay").name_ru == "Заработная плата"


def test_a_semicolon_file_from_a_russian_excel_is_read():
    report = _run(TEXT.replace(",", ";").encode("cp1251", errors="ignore"))
    assert report.ok, report.error_lines()
    assert report.counts == {"created": 2}


def test_an_xlsx_is_recognised_by_content_whatever_its_name():
    content = _xlsx([["slug", "name", "since"], ["pay", "Заработная плата", dt.datetime(2024, 3, 1)]])
    report = _run(content)
    assert report.ok, report.error_lines()
    assert Topic.objects.filter(slug="pay").exists()


@pytest.mark.parametrize("cell", ["2024-03-01", "01.03.2024", "45352", 45352, dt.date(2024, 3, 1)])
def test_each_date_form_reads_as_the_same_day(cell):
    assert sp.parse_date(cell) == dt.date(2024, 3, 1)


def test_an_excel_serial_with_a_fraction_is_a_moment_in_almaty():
    moment = sp.parse_datetime(45352.5)
    assert moment.isoformat() == "2024-03-01T12:00:00+05:00"


def test_a_date_outside_the_sane_range_names_its_row():
    report = _run(b"slug,name,since\nold,Old,0001-01-01\nnew,New,31.12.9999\n")
    assert not report.ok
    assert [e.row for e in report.errors] == [2, 3]
    assert "between 2000" in report.error_lines()[0]
    assert not Topic.objects.filter(slug__in=["old", "new", "pay", "guard"]).exists()


def test_rows_keep_their_file_numbers_after_blank_lines_and_quoted_line_breaks():
    content = b'slug,name,note\n\n\nok,Fine,"two\nlines"\n,\n\nbad-\xc3\xa9,Wrong,\n'
    report = _run(content)
    assert [e.row for e in report.errors] == [7]


def test_xlsx_rows_keep_their_numbers_after_empty_rows():
    content = _xlsx([["slug", "name"], [], [], ["ok", "Fine"], [None, None], ["bad-é", "Wrong"]])
    report = _run(content)
    assert [e.row for e in report.errors] == [6]


def test_nothing_is_written_when_one_row_fails_to_save():
    Topic.objects.create(slug="taken", name_ru="Занято")
    report = _run(b"slug,name\nfresh,New\ntaken,Again\n")
    assert report.error_lines() == ["Row 3: the slug is taken"]
    assert not Topic.objects.filter(slug="fresh").exists()


def test_every_row_a_service_refuses_is_named_though_the_rows_are_first_saved_at_once():
    Topic.objects.create(slug="taken", name_ru="Занято")
    Topic.objects.create(slug="gone", name_ru="Тоже занято")
    report = _run(b"slug,name\nfresh,New\ntaken,Again\nother,Other\n\ngone,Again\n")
    assert report.error_lines() == ["Row 3: the slug is taken", "Row 6: the slug is taken"]
    assert not report.committed and not Topic.objects.filter(slug__in=["fresh", "other"]).exists()


class IndexingTopicImporter(TopicImporter):
    """Saves a row's topic into the reference data, as the registry's import does with the
    organisations it creates."""

    def save_row(self, plan, row):
        if self.index.get(plan["slug"]) is not None:
            raise sp.ApplicationError("the slug is taken")
        self.index.add(Topic.objects.create(slug=plan["slug"], name_ru=plan["name"], position=0))
        return "created"


def test_the_reference_data_is_read_again_before_the_rows_are_saved_one_by_one():
    # Row 4 repeats row 2, so the saves at once fail and are undone; had the index kept the
    # topic row 2 created in that first pass, row 2 itself would be refused in the second.
    report = sp.run_import(IndexingTopicImporter(), b"slug,name\none,One\ntwo,Two\none,Again\n", commit=True)
    assert report.error_lines() == ["Row 4: the slug is taken"]
    assert not Topic.objects.filter(slug__in=["one", "two"]).exists()


def test_the_preview_shows_what_would_be_created_and_writes_nothing():
    report = _run(TEXT.encode(), commit=False)
    assert report.ok and not report.committed
    assert report.counts == {"created": 2}
    assert report.preview[0][:2] == ["pay", "Заработная плата"]
    assert not Topic.objects.filter(slug__in=["old", "new", "pay", "guard"]).exists()


def test_a_missing_required_column_is_named():
    report = _run(b"slug,title\na,b\n")
    assert report.error_lines() == ["Row 1 must name the columns; missing: name."]


def test_a_header_in_russian_or_kazakh_is_understood():
    report = _run("slug;Название\npay;Зарплата\n".encode())
    assert report.ok, report.error_lines()


def test_the_row_limit_is_one_setting(settings):
    settings.SPREADSHEET_MAX_ROWS = 2
    report = _run(b"slug,name\na,A\nb,B\nc,C\n")
    assert report.error_lines() == ["The file has more than 2 rows; split it and import the parts."]


def test_a_nul_byte_in_a_cell_names_the_row():
    report = _run(b"slug,name\nok,Fine\nbad,Wro\x00ng\n")
    assert [e.row for e in report.errors] == [3]
    assert "control character (U+0000)" in report.error_lines()[0]


def test_a_vertical_tab_is_refused_but_a_line_break_in_a_text_column_is_not():
    report = _run(b'slug,name,note\na,Fine,"one\nand\ttwo"\nb,Bad\x0bname,\n')
    assert [e.row for e in report.errors] == [3]


def test_a_superscript_digit_in_a_number_names_the_row():
    report = _run("slug,name,count\na,A,2\nb,B,²\n".encode())
    assert report.error_lines() == ["Row 3: count: «²» is not a whole number"]


def test_a_cell_over_the_csv_size_limit_names_its_row():
    big = "x" * (csv.field_size_limit() + 10)
    report = _run(f"slug,name\na,A\nb,{big}\nc,C\n".encode())
    assert [e.row for e in report.errors] == [3]
    assert "longer than" in report.error_lines()[0]


def test_a_url_of_one_point_five_is_not_a_web_address():
    with pytest.raises(sp.CellError):
        sp.parse_url(1.5)
    assert sp.parse_url("youtu.be/q7xQNHFiueU") == "youtu.be/q7xQNHFiueU"


def test_an_unreadable_file_is_a_message_not_an_error_page():
    assert _run(b"PK\x03\x04broken").error_lines() == ["The file is not a readable XLSX workbook."]
    assert "old Excel file" in _run(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest").error_lines()[0]
    assert _run(b"").error_lines() == ["The file is empty."]


def test_a_name_finds_its_row_by_slug_id_or_russian_or_kazakh_name_in_any_case():
    topic = Topic.objects.create(slug="pay", name_ru="Оплата Труда", name_kk="Еңбекақы")
    index = sp.NameIndex(Topic.objects.all(), label="topic")
    for name in ("pay", "PAY", str(topic.pk), "оплата труда", "ЕҢБЕКАҚЫ", " «Еңбекақы» "):
        assert index.find(name) == topic
    with pytest.raises(sp.CellError, match="unknown topic"):
        index.find("pensions")


def test_a_name_two_rows_share_asks_for_the_slug():
    Topic.objects.create(slug="a", name_ru="Same")
    Topic.objects.create(slug="b", name_ru="same")
    with pytest.raises(sp.CellError, match="names 2 rows"):
        sp.NameIndex(Topic.objects.all()).find("SAME")


def test_a_choice_is_read_by_code_or_by_label_in_any_language():
    from publications.choices import Channel

    assert sp.parse_choice("FACEBOOK", Channel) == "facebook"
    with pytest.raises(sp.CellError):
        sp.parse_choice("myspace", Channel)


def test_the_xlsx_writer_keeps_formula_cells_as_text_and_drops_control_characters():
    rows = [["=HYPERLINK(\"http://x\")", "+7 701", "@SUM(A1)", "Title\x0bwith VT", 5, -3]]
    workbook = load_workbook(io.BytesIO(sp.write_xlsx({"Data": (["a"] * 6, rows)})))
    cells = list(workbook["Data"][2])
    workbook.close()
    assert [c.value for c in cells] == ["=HYPERLINK(\"http://x\")", "+7 701", "@SUM(A1)", "Titlewith VT", 5, -3]
    assert [c.data_type for c in cells] == ["s", "s", "s", "s", "n", "n"]


def test_the_csv_writer_quotes_every_formula_start():
    text = sp.write_csv(["a"], [["=1+1"], ["+7"], ["-1"], ["@x"], ["\tTab"], ["plain"], ["bad\x0bchar"]])
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert lines == [["a"], ["'=1+1"], ["'+7"], ["'-1"], ["'@x"], ["'\tTab"], ["plain"], ["badchar"]]


def test_an_export_imports_back_without_the_formula_quote():
    content = sp.write_csv(["slug", "name"], [["minus", "-5 percent"]])
    assert _run(content).ok
    assert Topic.objects.get(slug="minus").name_ru == "-5 percent"


def test_progress_is_reported_for_a_long_file():
    seen = []
    lines = "".join(f"t{i},Topic {i}\n" for i in range(450))
    report = sp.run_import(TopicImporter(), f"slug,name\n{lines}".encode(), commit=True, progress=lambda d, t: seen.append((d, t)))
    assert report.counts == {"created": 450}
    assert seen[-1] == (900, 900) and len(seen) > 2
