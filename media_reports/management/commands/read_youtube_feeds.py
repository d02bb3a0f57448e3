"""`manage.py read_youtube_feeds`: the daily job run here and now (no Celery needed)."""

from django.core.management.base import BaseCommand

from media_reports.intake import read_youtube_feeds


class Command(BaseCommand):
    help = "Read the outlets' YouTube feeds now and offer videos about the union for review."

    def handle(self, *args, **options):
        result = read_youtube_feeds()
        for error in result["errors"]:
            self.stderr.write(error)
        self.stdout.write(f"offered: {result['offered']}")
