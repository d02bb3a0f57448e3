import io
import re

import openpyxl
import pytest
from django.urls import reverse
from docx import Document

from reports.models import ReportNarrative
from tests.branches.factories import OrganisationFactory
from tests.reports.factories import stored_rollup

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")


@pytest.fixture
def figures(regional_org, branch_a, branch_b):
    """2022–2024 as the rollup stored them: the report's publications split over three organisations."""
    per_year = {2022: (40, 20, 16), 2023: (60, 40, 20), 2024: (50, 30, 23)}
    for year, (regional, a, b) in per_year.items():
        stored_rollup(
            year,
            {
                (regional_org, "publications", "total"): regional,
                (regional_org, "publications", "channel:facebook"): regional,
                (branch_a, "publications", "total"): a,
                (branch_a, "publications", "channel:instagram"): a,
                (branch_b, "publications", "total"): b,
                (branch_b, "publications", "channel:instagram"): b,
                (regional_org, "appeals", "total"): 1000 + year - 2022,
                (branch_a, "appeals_median_hours", "total"): 20.5,
                (branch_b, "appeals_median_hours", "total"): 30,
                (branch_b, "media_appearances", "total"): 3,
            },
        )


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def row_of(response, table_id: str, label: str) -> list[str]:
    """The cells of the row of `table_id` whose header reads `label`."""
    html = response.content.decode()
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip().replace("\xa0", " ")
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if label in cells:
            return cells
    raise AssertionError(f"no row {label!r} in #{table_id}")


def test_the_chair_sees_the_year_beside_the_two_before_it(client, chair, figures):
    client.force_login(chair)

    response = client.get(DASHBOARD, {"year": 2024})

    assert response.status_code == 200
    assert row_of(response, "summary", "Публикации") == ["Публикации", "76", "120", "103"]
    assert row_of(response, "summary", "Обработано обращений")[1:] == ["1 000", "1 001", "1 002"]


def test_switching_the_year_moves_the_three_columns(client, chair, figures):
    client.force_login(chair)

    response = client.get(DASHBOARD, {"year": 2023})

    assert row_of(response, "summary", "Публикации") == ["Публикации", "—", "76", "120"]
    assert '<option value="2024"' in response.content.decode()


def test_every_figure_links_to_the_records_behind_it(client, chair, figures, branch_a):
    client.force_login(chair)

    html = client.get(DASHBOARD, {"year": 2024}).content.decode()

    assert "/admin/publications/publication/?published_at__year=2024" in html
    assert f"organisation__id__in={branch_a.pk}&amp;" in html or f'organisation__id__in={branch_a.pk}"' in html


def test_branches_are_ranked_by_activity(client, chair, figures, regional_org, branch_a, branch_b):
    client.force_login(chair)

    response = client.get(DASHBOARD, {"year": 2024})

    ranking = [row["organisation"].pk for row in response.context["branches"]]
    assert ranking == [branch_a.pk, branch_b.pk]
    assert row_of(response, "branches", branch_b.name)[:3] == ["2", branch_b.name, "26"]
    # The regional organisation's own figures stand apart, outside the ranking and its chart.
    assert response.context["regional"]["organisation"].pk == regional_org.pk
    assert row_of(response, "regional", "1 052")[0] == "1 052"
    assert regional_org.name not in re.search(r'<svg[^>]*id="chart-branches".*?</svg>', response.content.decode(), re.S).group(0)


def test_a_branch_without_figures_has_no_activity_rather_than_zero(client, chair, figures, regional_org):
    silent = OrganisationFactory(parent=regional_org, name_ru="Филиал без данных")
    client.force_login(chair)

    response = client.get(DASHBOARD, {"year": 2024})

    assert row_of(response, "branches", silent.name)[:3] == ["—", silent.name, "—"]
    chart = re.search(r'<svg[^>]*id="chart-branches".*?</svg>', response.content.decode(), re.S).group(0)
    silent_bar = re.search(r"<g><title>Филиал без данных: (.*?)</title>(.*?)</g>", chart, re.S)
    assert silent_bar.group(1) == "нет данных"
    assert "<rect" not in silent_bar.group(2)


def test_the_dashboard_opens_on_the_latest_year_with_figures(client, chair, figures, regional_org):
    # A later year rolled up before anything was logged: the dashboard does not open on its dashes.
    stored_rollup(2025, {})
    client.force_login(chair)

    response = client.get(DASHBOARD)

    assert response.context["year"] == 2024
    assert 2025 in response.context["switcher_years"]
    assert "Информационная работа в 2024 году" in text_of(response)


def test_the_current_year_is_said_to_be_unfinished_and_young_early_on(client, chair, regional_org, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    for year in (2025, 2026):
        stored_rollup(year, {(regional_org, "publications", "total"): 5})
    client.force_login(chair)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 2, 10))

    response = client.get(DASHBOARD)

    assert response.context["year"] == 2026
    note = text_of(response)
    assert "Год 2026 не закончился: это его показатели на 10 февраля 2026" in note
    assert "сравните с 2025 годом целиком" in note


def test_medians_are_shown_per_branch_and_never_summed(client, chair, figures, branch_a):
    client.force_login(chair)

    response = client.get(DASHBOARD, {"year": 2024})

    assert "Медиана времени ответа" not in [row.label for row in response.context["summary"]]
    assert "20,5 ч" in row_of(response, "branches", branch_a.name)


def test_a_branch_editor_sees_only_their_branch(client, editor_a, figures, branch_a, branch_b):
    client.force_login(editor_a)

    response = client.get(DASHBOARD, {"year": 2024})

    assert response.status_code == 200
    assert [row["organisation"].pk for row in response.context["branches"]] == [branch_a.pk]
    assert branch_b.name not in text_of(response)
    assert row_of(response, "summary", "Публикации") == ["Публикации", "20", "40", "30"]


def test_the_dashboard_reads_rollups_in_a_handful_of_queries(
    client, chair, figures, regional_org, django_assert_max_num_queries
):
    client.force_login(chair)
    client.get(DASHBOARD, {"year": 2024})
    for n in range(30):
        branch = OrganisationFactory(parent=regional_org)
        stored_rollup(2024, {(branch, "publications", "total"): n, (branch, "publications", f"rubric:r{n}"): n})

    # Session, user and roles (3), the user's permissions (2), then the rollup years, the
    # organisations, the figures and the rubric names (4): none grows with the data.
    with django_assert_max_num_queries(9):
        response = client.get(DASHBOARD, {"year": 2024})

    assert len(response.context["branches"]) == 32


def test_a_year_without_figures_says_so(client, chair, regional_org):
    client.force_login(chair)

    response = client.get(DASHBOARD, {"year": 2030})

    assert response.status_code == 200
    assert "ещё не подсчитаны" in text_of(response)


def test_a_nonsense_year_falls_back_to_the_latest(client, chair, figures):
    client.force_login(chair)

    response = client.get(DASHBOARD, {"year": "abc"})

    assert response.context["year"] == 2024


# --- The annual report ----------------------------------------------------------------------


def docx_text(response) -> tuple[str, list]:
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs).replace("\xa0", " ")
    tables = [
        [[cell.text.replace("\xa0", " ") for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    return text, tables


def table_row(tables, label):
    for table in tables:
        for row in table:
            if row and row[0] == label:
                return row
    raise AssertionError(f"no row {label!r}")


def test_the_report_holds_the_three_years_figures(client, chair, figures):
    client.force_login(chair)

    response = client.get(reverse("reports:report_docx", args=[2024]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="information-work-2024-ru.docx"'
    text, tables = docx_text(response)
    assert "ИНФОРМАЦИЯ" in text
    assert "Опубликовано материалов за 2022 год – 76, 2023 год – 120, 2024 год – 103." in text
    assert "работниками аппарата Областной организации и ее филиалов было отработано 1 001 вопросов" in text
    assert table_row(tables, "Публикации") == ["Публикации", "76", "120", "103"]
    assert "Кәсіподақтың Қарағанды облыстық ұйымы" in text


def test_the_report_is_written_in_kazakh_on_request(client, chair, figures):
    client.force_login(chair)

    response = client.get(reverse("reports:report_docx", args=[2024]), {"lang": "kk"})

    text, tables = docx_text(response)
    assert "АҚПАРАТ" in text
    assert "Бұл бағыттағы жұмыс тұрақты негізде жалғасатын болады." in text
    assert table_row(tables, "Жарияланымдар") == ["Жарияланымдар", "76", "120", "103"]


def test_the_report_lists_every_branchs_pages_in_appendix_1(client, chair, figures, regional_org, branch_a, branch_b):
    from tests.branches.factories import SocialPageFactory

    SocialPageFactory(organisation=branch_a, handle="branch_a_page")
    SocialPageFactory(organisation=branch_a, platform="facebook", handle="1", url="https://www.facebook.com/profile.php?id=1")
    client.force_login(chair)

    _text, tables = docx_text(client.get(reverse("reports:report_docx", args=[2024])))

    appendix = tables[-1]
    assert [row[1] for row in appendix[1:]] == [regional_org.name, branch_a.name, branch_b.name]
    assert appendix[2][2:4] == ["@branch_a_page", "id 1"]


def test_a_branch_editors_report_and_figures_hold_only_their_branch(client, editor_a, figures, branch_a, branch_b):
    client.force_login(editor_a)

    text, tables = docx_text(client.get(reverse("reports:report_docx", args=[2024])))
    flat = text + str(tables)
    assert branch_a.name in flat
    assert branch_b.name not in flat
    assert table_row(tables, "Публикации") == ["Публикации", "20", "40", "30"]

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:figures_xlsx", args=[2024])).content))
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert branch_a.name in cells
    assert branch_b.name not in cells


def test_the_figures_download_as_a_spreadsheet(client, regional_staff, figures, branch_b):
    client.force_login(regional_staff)

    response = client.get(reverse("reports:figures_xlsx", args=[2024]))

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = [[c.value for c in row] for row in workbook.worksheets[0].iter_rows()]
    assert summary[0] == ["Показатель", 2022, 2023, 2024]
    assert ["Публикации", 76, 120, 103] in summary
    detail = [[c.value for c in row] for row in workbook.worksheets[1].iter_rows()]
    assert [branch_b.name, "Публикации", "всего", None, 16, 20, 23] in detail


# --- The report's text ----------------------------------------------------------------------


def test_staff_rewrite_a_paragraph_and_the_report_uses_it(client, regional_staff, chair, figures):
    client.force_login(regional_staff)
    url = reverse("reports:narrative_edit", args=[2024])

    response = client.post(f"{url}?lang=ru", {"channels": "Главный канал — Instagram.", "intro": ""})

    assert response.status_code == 302
    assert ReportNarrative.objects.get(year=2024, language="ru", section="channels").updated_by == regional_staff
    text, _tables = docx_text(client.get(reverse("reports:report_docx", args=[2024])))
    assert "Главный канал — Instagram." in text
    assert "В последние годы в информационной деятельности" not in text
    # The other years and the Kazakh text keep the report's wording.
    text_2023, _tables = docx_text(client.get(reverse("reports:report_docx", args=[2023])))
    assert "В последние годы в информационной деятельности" in text_2023


def test_emptying_a_paragraph_restores_the_reports_wording(client, regional_staff):
    client.force_login(regional_staff)
    url = reverse("reports:narrative_edit", args=[2024])
    client.post(url, {"channels": "Свой текст."})

    client.post(url, {"channels": "   "})

    assert not ReportNarrative.objects.exists()
    assert "В последние годы в информационной деятельности" in client.get(url).content.decode()


def test_the_chair_may_read_but_not_rewrite_the_text(client, chair):
    client.force_login(chair)

    response = client.post(reverse("reports:narrative_edit", args=[2024]), {"channels": "Свой текст."})

    assert response.status_code == 403
    assert not ReportNarrative.objects.exists()


def test_names_in_the_charts_are_escaped(client, chair, figures, regional_org):
    branch = OrganisationFactory(parent=regional_org, name_ru="<script>alert(1)</script> профсоюз")
    stored_rollup(2024, {(branch, "publications", "total"): 4})
    client.force_login(chair)

    html = client.get(DASHBOARD, {"year": 2024}).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; профсоюз" in html


def test_a_control_character_in_a_paragraph_or_a_name_does_not_break_the_report(
    client, regional_staff, figures, regional_org
):
    branch = OrganisationFactory(parent=regional_org, name_ru="Профсоюз\x01 школы")
    stored_rollup(2024, {(branch, "publications", "total"): 4})
    client.force_login(regional_staff)
    client.post(reverse("reports:narrative_edit", args=[2024]), {"channels": "Канал\x0b Instagram."})

    response = client.get(reverse("reports:report_docx", args=[2024]))

    assert response.status_code == 200
    text, _tables = docx_text(response)
    assert "Канал Instagram." in text


def test_a_name_that_looks_like_a_formula_stays_text_in_the_spreadsheet(client, chair, figures, regional_org):
    branch = OrganisationFactory(parent=regional_org, name_ru='=HYPERLINK("http://evil")\x02')
    stored_rollup(2024, {(branch, "publications", "total"): 4})
    client.force_login(chair)

    response = client.get(reverse("reports:figures_xlsx", args=[2024]))

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [
        cell for row in workbook.worksheets[1].iter_rows() for cell in row if cell.value == '=HYPERLINK("http://evil")'
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)
