"""`python manage.py polls_freeze_closed`: the scheduled job, by hand."""

from django.core.management.base import BaseCommand

from polls.tasks import freeze_closed_polls


class Command(BaseCommand):
    help = "Store the final counts of polls that have closed."

    def handle(self, *args, **options):
        self.stdout.write(f"{freeze_closed_polls()} polls frozen")
