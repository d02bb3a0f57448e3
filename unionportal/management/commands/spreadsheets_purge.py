"""`python manage.py spreadsheets_purge`: delete uploaded spreadsheets older than
SPREADSHEET_UPLOAD_KEEP_HOURS (the daily job of the same name, by hand)."""

from django.core.management.base import BaseCommand

from unionportal.spreadsheet_jobs import uploads_purge


class Command(BaseCommand):
    help = "Delete uploaded spreadsheets older than SPREADSHEET_UPLOAD_KEEP_HOURS."

    def handle(self, *args, **options):
        self.stdout.write(f"{uploads_purge()} uploads deleted")
