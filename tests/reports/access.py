from reports.models import YearlyFigure
from tests.access import BRANCH_EDITOR, CHAIR, REGIONAL_STAFF, UrlCase

STAFF = frozenset({BRANCH_EDITOR, REGIONAL_STAFF, CHAIR})

URL_CASES = [
    # A branch editor opens the dashboard and the downloads too, narrowed to their branch
    # (tests/reports/test_views.py checks that nothing of another branch shows).
    UrlCase("reports:dashboard", roles=STAFF),
    UrlCase("reports:dashboard", roles=STAFF, query="year=2023"),
    UrlCase("reports:report_docx", kwargs=lambda w: {"year": 2024}, roles=STAFF),
    UrlCase("reports:report_docx", kwargs=lambda w: {"year": 2024}, roles=STAFF, query="lang=kk"),
    UrlCase("reports:report_pdf", kwargs=lambda w: {"year": 2024}, roles=STAFF),
    UrlCase("reports:figures_xlsx", kwargs=lambda w: {"year": 2024}, roles=STAFF),
    # The report's text is the regional organisation's: regional staff edit it.
    UrlCase("reports:narrative_edit", kwargs=lambda w: {"year": 2024}, roles=frozenset({REGIONAL_STAFF})),
    UrlCase(
        "reports:narrative_edit",
        kwargs=lambda w: {"year": 2024},
        roles=frozenset({REGIONAL_STAFF}),
        method="post",
        data=lambda w: {"intro": "Новый вступительный абзац."},
        ok_statuses=(302,),
    ),
]

ADMIN_RECORDS = {
    YearlyFigure: lambda org: YearlyFigure.objects.create(
        year=2023, organisation=org, metric="publications", dimension="total", value=5
    ),
}
