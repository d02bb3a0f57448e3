"""`manage.py refresh_social_tokens`: the scheduled job run here and now (no Celery needed)."""

from django.core.management.base import BaseCommand

from branches.services import social_connections_refresh


class Command(BaseCommand):
    help = "Refresh tokens nearing expiry and warn staff now."

    def handle(self, *args, **options):
        result = social_connections_refresh()
        for key, value in result.items():
            if key == "errors":
                for error in value:
                    self.stderr.write(error)
            else:
                self.stdout.write(f"{key}: {value}")
