"""The branches' ranking, with the regional organisation's own figures kept apart: its
apparatus publishes and answers far more than any branch, so ranked among them its bar would
flatten every other and its first place would say nothing."""

from branches.choices import OrganisationKind
from reports.metrics import ACTIVITY_METRICS
from reports.selectors import FigureBook, OrganisationRow, ranked_branches


def regional_and_branches(
    book: FigureBook, year: int
) -> tuple[tuple[OrganisationRow, int] | None, list[tuple[int, OrganisationRow, int]]]:
    """((regional organisation, its activity) or None, [(rank, branch, activity)]), the
    branches most active first; ties share a rank. A branch with none of the figures that
    make the activity has no activity (None) and no rank: "no data" is not a zero."""
    regional = None
    scored, silent = [], []
    for _rank, org, activity in ranked_branches(book, year):
        has_data = any(book.value(org.pk, key, year) is not None for key in ACTIVITY_METRICS)
        if org.kind == OrganisationKind.REGIONAL:
            regional = (org, activity if has_data else None)
        elif has_data:
            scored.append((org, activity))
        else:
            silent.append((None, org, None))
    ranked, previous, rank = [], None, 0
    for index, (org, activity) in enumerate(scored, start=1):
        if activity != previous:
            rank, previous = index, activity
        ranked.append((rank, org, activity))
    return regional, ranked + silent
