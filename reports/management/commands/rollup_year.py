"""`python manage.py rollup_year 2023`: recompute a year's figures (the current year without
an argument, the previous one with --previous). Safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from reports.services import rollup_year
from reports.tasks import current_year
from unionportal.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Recompute the yearly figures of the dashboard and the report for one year."

    def add_arguments(self, parser):
        parser.add_argument("year", nargs="?", type=int, help="the year; the current one if left out")
        parser.add_argument("--previous", action="store_true", help="the year before the current one")

    def handle(self, *args, year=None, previous=False, **options):
        if year is None:
            year = current_year() - 1 if previous else current_year()
        try:
            rows = rollup_year(year=year)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"{year}: {rows} figures stored."))
