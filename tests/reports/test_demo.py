"""With the demo data, the dashboard and the report show the organisation's own figures, and
every figure's link opens the admin list of exactly the records it counts."""

import io
import re
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from tests.reports.test_views import row_of

pytestmark = pytest.mark.django_db

# Figures whose value is a number of records (the others are sums of copies or of followers).
COUNTED = {
    "publications",
    "press_republican",
    "media_appearances",
    "appeals",
    "giveaways",
    "giveaway_entries",
    "giveaway_eligible_entries",
    "giveaway_winners",
    "outreach_visits",
}


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def demo_user(username):
    from accounts.models import User

    return User.objects.get(username=username)


def test_the_dashboard_and_the_report_show_the_reports_figures(client, demo):
    # One demo load for the four checks: loading it is the slow part.
    check_the_dashboard_shows_the_reports_figures(client)
    check_the_report_shows_the_reports_figures_and_appendix_1(client)
    check_the_kazakh_report_has_the_same_figures(client)
    check_a_branch_editor_sees_their_branch_alone(client)


def check_the_dashboard_shows_the_reports_figures(client):
    client.force_login(demo_user("chair"))

    response = client.get(reverse("reports:dashboard"), {"year": 2024})

    assert row_of(response, "summary", "Публикации") == ["Публикации", "76", "120", "103"]
    assert row_of(response, "summary", "Публикации в республиканских газетах") == [
        "Публикации в республиканских газетах",
        "24",
        "27",
        "10",
    ]
    assert row_of(response, "summary", "Обработано обращений")[2] == "1 358"
    # The twelve branches ranked, the regional organisation apart.
    assert len(response.context["branches"]) == 12
    assert response.context["regional"]["organisation"].name == "Карагандинская областная организация профсоюза"


def check_the_report_shows_the_reports_figures_and_appendix_1(client):
    client.force_login(demo_user("chair"))

    response = client.get(reverse("reports:report_docx", args=[2024]), {"lang": "ru"})

    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs).replace("\xa0", " ")
    tables = [[[c.text.replace("\xa0", " ") for c in row.cells] for row in t.rows] for t in document.tables]
    assert "Опубликовано материалов за 2022 год – 76, 2023 год – 120, 2024 год – 103." in text
    assert "Публикаций в республиканских газетах: 2022 год – 24, 2023 год – 27, 2024 год – 10." in text
    assert "За 2023 год работниками аппарата Областной организации и ее филиалов было отработано 1 358 вопросов" in text
    figures = next(t for t in tables if t[0][0] == "Показатель")
    assert ["Публикации", "76", "120", "103"] in figures
    assert ["Публикации в республиканских газетах", "24", "27", "10"] in figures
    assert figures[[r[0] for r in figures].index("Обработано обращений")][2] == "1 358"
    # The TV and YouTube appearances of the report, with date, programme, speaker and link.
    assert re.search(
        r"18 апреля 2023 года, «1-Карагандинский»; программа «Вадут»; Ракишева А\..*youtu\.be/q7xQNHFiueU", text
    )
    assert "30 августа 2024 года" in text and "youtu.be/rUlsl2hpIZ4" in text
    broadcasts = next(t for t in tables if t[0][:3] == ["Дата", "СМИ", "Программа"])
    assert [row[0] for row in broadcasts[1:]] == ["15.12.2022", "18.04.2023", "14.12.2023", "30.08.2024"]
    appendix = tables[-1]
    assert len(appendix) - 1 == 13
    # Links show the account, with the full address behind it.
    assert appendix[1][2] == "@profsoyuz310krg"
    assert appendix[1][3] == "id 100041669981308"
    targets = {r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")}
    assert "https://www.instagram.com/profsoyuz310krg/" in targets
    assert "https://youtu.be/q7xQNHFiueU" in targets


def check_the_kazakh_report_has_the_same_figures(client):
    client.force_login(demo_user("chair"))

    response = client.get(reverse("reports:report_docx", args=[2024]), {"lang": "kk"})

    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Жарияланған материалдар: 2022 жыл – 76, 2023 жыл – 120, 2024 жыл – 103." in text
    assert "18 сәуір 2023 ж., «1-Карагандинский»; «Вадут» бағдарламасы; Ракишева А." in text
    assert len(document.tables[-1].rows) - 1 == 13


def test_every_figure_opens_the_list_of_the_records_it_counts(client, demo):
    client.force_login(demo_user("staff"))
    response = client.get(reverse("reports:dashboard"), {"year": 2024})
    cells = [cell for row in response.context["summary"] for cell in row.cells]
    cells += [cell for row in response.context["branches"] for cell in row["cells"]]
    cells += [cell for table in response.context["breakdowns"] for row in table["rows"] for cell in row.cells]
    linked = [cell for cell in cells if cell.url and cell.value]
    assert len(linked) > 100

    checked = 0
    for cell in linked:
        opened = client.get(cell.url)
        assert opened.status_code == 200, cell.url
        path = urlparse(cell.url).path
        metric = _metric_of(response, cell)
        if metric in COUNTED and path != reverse("admin:media_reports_newspapersubscription_changelist"):
            assert opened.context["cl"].result_count == cell.value, cell.url
            checked += 1
    assert checked > 100


def _metric_of(response, cell):
    from reports.dashboard import BRANCH_COLUMNS
    from reports.metrics import METRICS

    for row in response.context["branches"]:
        if cell in row["cells"]:
            return BRANCH_COLUMNS[row["cells"].index(cell)]
    for table in response.context["breakdowns"]:
        if any(cell in row.cells for row in table["rows"]):
            return table["metric"]
    for row, spec in zip(
        response.context["summary"],
        [m for m in METRICS if str(m.label) in {r.label for r in response.context["summary"]}],
        strict=False,
    ):
        if cell in row.cells:
            return spec.key
    return None


def check_a_branch_editor_sees_their_branch_alone(client):
    client.force_login(demo_user("editor-shet"))

    response = client.get(reverse("reports:dashboard"), {"year": 2024})

    assert [row["organisation"].name for row in response.context["branches"]] == ["Шетский районный профсоюз"]
    assert "Темиртауский" not in response.content.decode()
