from django.core.management.base import BaseCommand

from messaging import services


class Command(BaseCommand):
    help = "Queue new publications and giveaways for the bot's subscribers (the every-5-minutes job)."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.queue_content()} broadcasts queued")
