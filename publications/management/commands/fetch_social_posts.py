"""`manage.py fetch_social_posts`: the scheduled job run here and now (no Celery needed)."""

from django.core.management.base import BaseCommand

from publications.intake import fetch_social_posts


class Command(BaseCommand):
    help = "Read new posts of connected accounts into the review queue now."

    def handle(self, *args, **options):
        result = fetch_social_posts()
        for key, value in result.items():
            if key == "errors":
                for error in value:
                    self.stderr.write(error)
            else:
                self.stdout.write(f"{key}: {value}")
