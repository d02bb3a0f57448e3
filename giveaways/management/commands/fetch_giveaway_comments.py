"""`manage.py fetch_giveaway_comments`: the scheduled job run here and now (no Celery needed)."""

from django.core.management.base import BaseCommand

from giveaways.intake import fetch_giveaway_comments


class Command(BaseCommand):
    help = "Read new comments of open giveaways' posts now."

    def handle(self, *args, **options):
        result = fetch_giveaway_comments()
        for key, value in result.items():
            if key == "errors":
                for error in value:
                    self.stderr.write(error)
            else:
                self.stdout.write(f"{key}: {value}")
