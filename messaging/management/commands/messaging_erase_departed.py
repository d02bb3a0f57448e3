from django.core.management.base import BaseCommand

from messaging import services


class Command(BaseCommand):
    help = "Erase the chat ids of members who left or blocked the bot long enough ago (daily 03:30)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.erase_departed()} subscribers erased")
