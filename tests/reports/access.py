from reports.models import YearlyFigure
from tests.access import UrlCase

URL_CASES = [
    UrlCase("reports:dashboard", public=True),
]

ADMIN_RECORDS = {
    YearlyFigure: lambda org: YearlyFigure.objects.create(
        year=2023, organisation=org, metric="publications", dimension="total", value=5
    ),
}
