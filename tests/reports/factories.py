import factory

from reports.models import Rollup, YearlyFigure


class YearlyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearlyFigure

    year = 2024
    metric = "publications"
    dimension = "total"
    value = 1


def stored_rollup(year: int, figures: dict) -> None:
    """Store figures as the rollup would: {(organisation, metric, dimension): value}."""
    from django.utils import timezone

    for (organisation, metric, dimension), value in figures.items():
        YearlyFigureFactory(year=year, organisation=organisation, metric=metric, dimension=dimension, value=value)
    Rollup.objects.update_or_create(
        year=year,
        defaults={"computed_at": timezone.now(), "row_count": YearlyFigure.objects.filter(year=year).count()},
    )
