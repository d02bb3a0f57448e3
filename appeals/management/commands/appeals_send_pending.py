from django.core.management.base import BaseCommand

from appeals import services


class Command(BaseCommand):
    help = "Send the e-mails of the outbox that a broker outage or a failed task held back (beat runs it every minute)."

    def handle(self, *args, **options):
        sent = services.send_pending_notifications()
        self.stdout.write(f"Pending e-mails sent: {sent}")
