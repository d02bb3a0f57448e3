"""Reads of the reports: the stored rollups as one "figure book" per request, and the few
records the annual report lists by name (media appearances, the branches' pages).

The dashboard and the exports read only `YearlyFigure` rows, so their cost does not grow
with the number of publications or appeals: a handful of queries whatever the data size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import get_language

from accounts.roles import is_regional
from branches.choices import OrganisationKind
from branches.models import Organisation, SocialPage, reporting_unit_id
from media_reports.models import MediaAppearance, Speaker
from publications.models import Rubric
from reports.metrics import ACTIVITY_METRICS, choice_label, metric, record_url
from reports.models import ReportNarrative, Rollup, YearlyFigure
from unionportal.figures import TOTAL

BROADCAST_KINDS = ("tv_broadcast", "radio_broadcast", "video")
BROADCAST_OUTLETS = ("tv_channel", "radio", "youtube_channel")
FIRST_YEAR = 2000
LAST_YEAR = 2100


def compared_years(year: int) -> list[int]:
    """The chosen year beside the two before it, oldest first: the report compares three."""
    return [year - 2, year - 1, year]


def default_year(years: dict[int, object]) -> int:
    this_year = timezone.localdate().year
    past = [y for y in years if y <= this_year]
    return max(past) if past else this_year


@dataclass
class OrganisationRow:
    pk: int
    name: str
    kind: str
    position: int
    # The organisation and its primaries: whose records its figures count.
    record_ids: list[int] = field(default_factory=list)


@dataclass
class FigureBook:
    """The stored figures of some years for the organisations a user may see."""

    years: list[int]
    organisations: list[OrganisationRow]
    values: dict[tuple[int, str, str, int], float]
    # Whether the user sees every organisation (links then need no organisation filter).
    sees_all: bool
    rubric_ids: dict[str, int] = field(default_factory=dict)
    rubric_names: dict[str, str] = field(default_factory=dict)

    # --- Totals -------------------------------------------------------------------------

    def __post_init__(self):
        # One pass over the rows builds the indexes every later lookup uses, so the page
        # costs the same whatever the order of calls (a dict scan per cell was quadratic).
        self._dimensions: dict[str, set[str]] = defaultdict(set)
        self._facet_sums: dict[tuple[int, str, str, int], float] = defaultdict(float)
        for (org_id, metric_key, dimension, year), value in self.values.items():
            self._dimensions[metric_key].add(dimension)
            if dimension != TOTAL:
                facet = dimension.partition(":")[0]
                self._facet_sums[(org_id, metric_key, facet, year)] += value
        self._facets = {
            m: sorted({d.partition(":")[0] for d in dims if d != TOTAL}) for m, dims in self._dimensions.items()
        }

    def value(self, org_id: int, metric_key: str, year: int, dimension: str = TOTAL) -> float | None:
        found = self.values.get((org_id, metric_key, dimension, year))
        if found is None and dimension == TOTAL and TOTAL not in self._dimensions.get(metric_key, ()):
            # A metric given only by facet (followers by platform) totals over one facet.
            facets = self._facets.get(metric_key)
            if facets:
                found = self._facet_sums.get((org_id, metric_key, facets[0], year))
        return found

    def total(self, metric_key: str, year: int, dimension: str = TOTAL) -> float | None:
        """The sum over the organisations shown; None for a measure (a median is never summed)."""
        if not metric(metric_key).is_additive:
            if len(self.organisations) == 1:
                return self.value(self.organisations[0].pk, metric_key, year, dimension)
            return None
        found = [self.value(org.pk, metric_key, year, dimension) for org in self.organisations]
        found = [v for v in found if v is not None]
        return sum(found) if found else None

    def metrics(self) -> set[str]:
        return set(self._dimensions)

    def facets(self, metric_key: str) -> list[str]:
        return self._facets.get(metric_key, [])

    def facet_values(self, metric_key: str, facet: str) -> list[str]:
        prefix = facet + ":"
        return sorted(d[len(prefix) :] for d in self._dimensions.get(metric_key, ()) if d.startswith(prefix))

    def activity(self, org_id: int, year: int) -> int:
        return int(sum(self.value(org_id, key, year) or 0 for key in ACTIVITY_METRICS))

    # --- Links to the records -------------------------------------------------------------

    def url(self, metric_key: str, year: int, *, org: OrganisationRow | None = None, dimension: str = TOTAL):
        """The admin list of the records behind a figure: of `org`, or of everyone shown."""
        if org is None:
            # The admin narrows a branch editor's list to their branch by itself.
            ids = None
        else:
            ids = org.record_ids
        return record_url(
            metric_key,
            year=year,
            organisation_ids=ids,
            dimension=dimension,
            facet_values={"rubric": self.rubric_ids},
            is_regional=org is not None and org.kind == OrganisationKind.REGIONAL,
        )

    def dimension_label(self, metric_key: str, facet: str, value: str) -> str:
        if facet == "rubric" and value in self.rubric_names:
            return self.rubric_names[value]
        return choice_label(metric_key, facet, value)


def figure_book(*, user, years: list[int]) -> FigureBook:
    """The figures of `years` for the branches `user` may see. Three or four queries."""
    organisations = Organisation.objects.for_user(user).values_list(
        "pk", "kind", "parent_id", "name_ru", "name_kk", "position"
    )
    rows: dict[int, OrganisationRow] = {}
    primaries: list[tuple[int, int]] = []
    kazakh = (get_language() or "").startswith("kk")
    for pk, kind, parent_id, name_ru, name_kk, position in organisations:
        unit = reporting_unit_id(pk=pk, kind=kind, parent_id=parent_id)
        if unit == pk:
            rows[pk] = OrganisationRow(pk, (name_kk if kazakh and name_kk else name_ru), kind, position, [pk])
        else:
            primaries.append((pk, unit))
    for pk, unit in primaries:
        if unit in rows:
            rows[unit].record_ids.append(pk)
    ordered = sorted(rows.values(), key=lambda r: (r.kind != OrganisationKind.REGIONAL, r.position, r.name))

    values = {}
    figures = YearlyFigure.objects.filter(year__in=years).for_user(user).values_list(
        "organisation_id", "metric", "dimension", "year", "value"
    )
    for org_id, metric_key, dimension, year, value in figures.order_by():
        values[(org_id, metric_key, dimension, year)] = value

    book = FigureBook(years=years, organisations=ordered, values=values, sees_all=is_regional(user))
    slugs = book.facet_values("publications", "rubric")
    if slugs:
        book.rubric_ids, book.rubric_names = _rubrics(slugs)
    return book


def _rubrics(slugs):
    found = Rubric.objects.filter(slug__in=slugs).values_list("slug", "pk", "name")
    ids, names = {}, {}
    for slug, pk, name in found:
        ids[slug], names[slug] = pk, name
    return ids, names


def ranked_branches(book: FigureBook, year: int) -> list[tuple[int, OrganisationRow, int]]:
    """(rank, organisation, activity) by activity in `year`, most active first; ties share a rank."""
    scored = sorted(
        ((book.activity(org.pk, year), org) for org in book.organisations), key=lambda t: (-t[0], t[1].position)
    )
    ranked = []
    previous, rank = None, 0
    for index, (score, org) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = index, score
        ranked.append((rank, org, score))
    return ranked


# --- Records the report lists by name ---------------------------------------------------------


def narrative_texts(*, year: int, language: str) -> dict[str, str]:
    """{section: text} for the report: staff's edits over the report's own wording."""
    from reports.narrative import DEFAULTS, default_text

    texts = {section: default_text(section, language) for section in DEFAULTS}
    texts.update(ReportNarrative.objects.filter(year=year, language=language).values_list("section", "text"))
    return texts


def edited_sections(*, year: int, language: str) -> set[str]:
    return set(ReportNarrative.objects.filter(year=year, language=language).values_list("section", flat=True))


def broadcast_appearances(*, user, years: list[int]) -> list:
    """The TV, radio and YouTube appearances of `years` the user may see, oldest first,
    with outlet, programme and speakers: a broadcast or video, or anything on a TV channel,
    radio or YouTube channel (an interview in a paper is press, not TV)."""
    qs = MediaAppearance.objects.filter(date__year__gte=min(years), date__year__lte=max(years)).filter(
        Q(kind__in=BROADCAST_KINDS) | Q(outlet__kind__in=BROADCAST_OUTLETS)
    )
    qs = (
        qs.for_user(user)
        .select_related("outlet", "programme", "organisation")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name")))
        .order_by("date", "pk")
    )
    return list(qs)


def social_pages_by_organisation(
    *, user, organisations: list[OrganisationRow]
) -> list[tuple[OrganisationRow, list[SocialPage]]]:
    """Appendix 1: the regional organisation and every branch with the pages it runs, in
    the order of the directory (a branch without a page is listed too: that is news)."""
    pages = SocialPage.objects.filter(organisation_id__in=[o.pk for o in organisations]).for_user(user)
    grouped: dict[int, list] = defaultdict(list)
    for page in pages.order_by("organisation_id", "platform", "pk"):
        grouped[page.organisation_id].append(page)
    return [(org, grouped.get(org.pk, [])) for org in organisations]


def rolled_up_years() -> dict[int, tuple[object, int]]:
    """{year: (when its figures were computed, how many it stored)}, newest first: one query."""
    rows = Rollup.objects.filter(computed_at__isnull=False).order_by("-year")
    return {year: (computed_at, count) for year, computed_at, count in rows.values_list("year", "computed_at", "row_count")}


def latest_year_with_figures(years: dict[int, tuple[object, int]]) -> int:
    """The newest year up to this one whose rollup stored figures: the dashboard opens on it,
    never on a page of dashes (a year rolled up before anything was logged stores none)."""
    this_year = timezone.localdate().year
    filled = [y for y, (_when, count) in years.items() if count and y <= this_year]
    return max(filled) if filled else default_year(years)
