"""Writes of the reports: the yearly rollup and the narrative paragraphs of the report."""

import logging
import time
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Organisation
from reports.choices import NarrativeSection, ReportLanguage
from reports.models import ReportNarrative, Rollup, YearlyFigure
from reports.selectors import FIRST_YEAR, LAST_YEAR
from unionportal.exceptions import ApplicationError
from unionportal.figures import Figure, registry

logger = logging.getLogger(__name__)


def collect_figures(*, year: int) -> list[Figure]:
    """Ask every registered source (`unionportal.figures.registry`) for its figures of `year`.

    A source that fails fails the rollup: the year's stored figures stay as they were,
    rather than the annual report silently losing a section.
    """
    collected: list[Figure] = []
    for source in registry.sources():
        # Sources count with `__year` in the current time zone: make it the portal's own,
        # whatever the caller (a request, a worker) has activated.
        with timezone.override(ZoneInfo(settings.TIME_ZONE)):
            collected.extend(source.count(year=year))
    return collected


def reporting_organisation_map() -> dict[int, int]:
    """{organisation id: the id its figures count for}: a primary counts for its branch."""
    return Organisation.objects.reporting_units()


def fold_figures(figures: list[Figure], org_map: dict[int, int]) -> dict[tuple[int, str, str], float]:
    """Sum additive figures into each branch; keep measures (medians, percentages) as given.

    A measure cannot be summed: the branch's own value stands; a primary's value is kept
    only when it is the sole one for its branch, and otherwise dropped with a warning.
    """
    sums: dict[tuple[int, str, str], float] = defaultdict(float)
    own_measures: dict[tuple[int, str, str], float] = {}
    primary_measures: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    for figure in figures:
        org_id = org_map.get(figure.organisation_id, figure.organisation_id)
        key = (org_id, figure.metric, figure.dimension)
        if Figure.is_additive(figure.metric):
            sums[key] += figure.value
        elif org_id == figure.organisation_id:
            own_measures[key] = figure.value
        else:
            primary_measures[key].append(figure.value)
    result = dict(sums)
    result.update(own_measures)
    for key, values in primary_measures.items():
        if key in own_measures:
            continue
        if len(values) == 1:
            result[key] = values[0]
        else:
            logger.warning("rollup: %s of several primaries of organisation %s cannot be combined", key[1], key[0])
    return result


@transaction.atomic
def rollup_year(*, year: int) -> int:
    """Recompute and store the figures of `year`; returns the number of rows stored.

    The year's rows are replaced in one transaction, so running it twice gives the same
    rows and the dashboard never sees half a year.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ApplicationError(_("The year %(year)s is out of range.") % {"year": year}, code="bad_year")
    started = time.monotonic()
    # The year's Rollup row is the lock: a second rollup of the same year (the nightly job
    # and a manual run) waits here instead of interleaving deletes and inserts.
    Rollup.objects.get_or_create(year=year)
    rollup = Rollup.objects.select_for_update().get(year=year)

    figures = collect_figures(year=year)
    folded = fold_figures(figures, reporting_organisation_map())
    rows = [
        YearlyFigure(year=year, organisation_id=org_id, metric=metric, dimension=dimension, value=value)
        for (org_id, metric, dimension), value in sorted(folded.items())
    ]
    YearlyFigure.objects.filter(year=year).delete()
    YearlyFigure.objects.bulk_create(rows, batch_size=1000)

    rollup.computed_at = timezone.now()
    rollup.row_count = len(rows)
    rollup.duration_ms = int((time.monotonic() - started) * 1000)
    # Nothing is skipped any more (a failing source fails the rollup); the column stays
    # empty for the rows written from now on.
    rollup.skipped_sources = ""
    rollup.save()
    logger.info("rollup %s: %s rows in %s ms", year, len(rows), rollup.duration_ms)
    return len(rows)


@transaction.atomic
def narrative_save(*, year: int, language: str, texts: dict[str, str], user=None) -> int:
    """Store the edited paragraphs of one year's report; an emptied paragraph goes back
    to the default wording. Returns how many paragraphs now differ from the default."""
    from reports.narrative import default_text

    if language not in ReportLanguage.values:
        raise ApplicationError(_("The report is written in Russian or Kazakh only."), code="bad_language")
    kept = 0
    for section in NarrativeSection.values:
        if section not in texts:
            continue
        text = (texts[section] or "").replace("\r\n", "\n").strip()
        if not text or text == default_text(section, language).strip():
            ReportNarrative.objects.filter(year=year, language=language, section=section).delete()
            continue
        narrative, _created = ReportNarrative.objects.get_or_create(
            year=year, language=language, section=section, defaults={"text": text, "updated_by": user}
        )
        narrative.text = text
        narrative.updated_by = user
        narrative.full_clean()
        narrative.save()
        kept += 1
    return kept
