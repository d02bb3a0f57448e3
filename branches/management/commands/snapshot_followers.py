"""`manage.py snapshot_followers`: the scheduled job run here and now (no Celery needed)."""

from django.core.management.base import BaseCommand

from branches.intake import snapshot_followers


class Command(BaseCommand):
    help = "Record today's follower counts from Meta now."

    def handle(self, *args, **options):
        result = snapshot_followers()
        for key, value in result.items():
            if key == "errors":
                for error in value:
                    self.stderr.write(error)
            else:
                self.stdout.write(f"{key}: {value}")
