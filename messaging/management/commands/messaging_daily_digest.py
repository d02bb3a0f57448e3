import datetime

from django.core.management.base import BaseCommand

from messaging import services


class Command(BaseCommand):
    help = "Queue today's news digest for the subscribers who chose one message a day (daily 19:00)."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=datetime.date.fromisoformat, help="YYYY-MM-DD, default today")

    def handle(self, *args, day=None, **options):
        self.stdout.write(f"{services.queue_daily_digests(day=day)} digests queued")
