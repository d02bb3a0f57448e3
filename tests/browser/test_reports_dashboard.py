import io
import re

from docx import Document
from playwright.sync_api import expect

from tests.reports.factories import stored_rollup


def test_the_chair_opens_the_dashboard_switches_years_and_downloads_the_report(
    page, login, chair, regional_org, branch_a
):
    for year, (regional, branch) in {2022: (50, 26), 2023: (80, 40), 2024: (70, 33)}.items():
        stored_rollup(
            year,
            {
                (regional_org, "publications", "total"): regional,
                (branch_a, "publications", "total"): branch,
                (regional_org, "press_republican", "total"): {2022: 24, 2023: 27, 2024: 10}[year],
            },
        )
    login(chair)

    page.goto("/")
    page.get_by_role("link", name="Показатели").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Информационная работа в 2024 году")
    summary = page.locator("#summary")
    publications = summary.get_by_role("row", name=re.compile(r"^Публикации \d"))
    expect(publications.get_by_role("cell")).to_have_text(["76", "120", "103"])

    page.select_option("#id_year", "2023")
    page.get_by_role("button", name="Показать").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Информационная работа в 2023 году")
    expect(summary.locator("thead")).to_contain_text("2021")
    expect(page.get_by_role("img", name="Активность филиалов в 2023 году")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Годовой отчёт (DOCX, Русский)").click()
    download = download_info.value
    assert download.suggested_filename == "information-work-2023-ru.docx"
    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ИНФОРМАЦИЯ" in text
    assert "Опубликовано материалов за 2022 год – 76, 2023 год – 120." in text
