from django.core.management.base import BaseCommand

from messaging import digest


class Command(BaseCommand):
    help = "E-mail the weekly digest to branch chairs and staff (Mondays 08:00; once a week per person)."

    def handle(self, *args, **options):
        self.stdout.write(f"{digest.send_weekly_digests()} digests sent")
